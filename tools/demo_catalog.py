"""The invented postings of the offline demo ([sample data]), read by make_demo_data.py.

Organizations are real names of the field; every posting, text, salary and date
here is invented for the demo. Dates are day offsets from the moment the demo
server starts (negative = in the past); the server fills them in, so the demo never
goes stale. ``kind`` picks a description body from BODIES.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Job:
    title: str
    kind: str
    locations: list[str]
    mode: str | None = None  # "remote" | "hybrid" | "onsite" | None (not stated)
    salary: tuple[float, float, str, str] | None = None  # min, max, currency, period
    salary_text: str | None = None
    deadline: int | None = None  # days from now
    posted: int = -3  # days from now
    employment: str = "FullTime"
    team: str = ""
    extra: str = ""  # one more paragraph, specific to this posting
    on_80k: bool = False  # also listed on the 80,000 Hours board (a duplicate to merge)
    fields: dict[str, Any] = field(default_factory=dict)


ORG_INTROS = {
    "Anthropic": "Anthropic is an AI safety and research company working to build reliable, "
    "interpretable, and steerable AI systems.",
    "Google DeepMind": "Google DeepMind brings together researchers and engineers working on "
    "AGI, with dedicated teams for AGI safety, alignment and responsibility.",
    "Goodfire": "Goodfire is a research company using interpretability to understand, learn "
    "from and design AI systems.",
    "UK AI Security Institute": "The AI Security Institute is a directorate of the UK Department "
    "for Science, Innovation and Technology that evaluates the risks of frontier AI.",
    "METR": "METR is a research nonprofit that evaluates whether frontier AI systems could "
    "pose catastrophic risks.",
    "Apollo Research": "Apollo Research is a London-based organisation studying deceptive "
    "alignment and scheming in frontier models.",
    "Epoch AI": "Epoch AI is a research institute investigating the trajectory of AI: "
    "compute, data, algorithms and their economic impact.",
    "Future of Life Institute": "The Future of Life Institute works to steer transformative "
    "technology away from extreme, large-scale risks.",
    "OpenAI": "OpenAI is an AI research and deployment company.",
    "FAR.AI": "FAR.AI is a research nonprofit incubating and accelerating new AI safety "
    "research agendas.",
    "MIRI": "The Machine Intelligence Research Institute works on reducing extinction risk "
    "from artificial superintelligence.",
    "Coefficient Giving": "Coefficient Giving (formerly Open Philanthropy) funds work on "
    "navigating transformative AI, among other cause areas.",
    "BlueDot Impact": "BlueDot Impact runs free, cohort-based courses that help people start "
    "careers in AI safety and governance.",
    "Palisade Research": "Palisade Research studies the offensive capabilities of AI systems "
    "to inform policymakers and the public.",
    "MATS": "MATS (ML Alignment & Theory Scholars) is an independent research and "
    "educational program connecting scholars with mentors in AI alignment and governance.",
    "GovAI": "GovAI (the Centre for the Governance of AI) researches how humanity can best "
    "navigate the "
    "transition to advanced AI.",
    "Redwood Research": "Redwood Research is a nonprofit working on AI control and on "
    "mitigating risks from misaligned AI.",
}

BODIES = {
    "re_interp": "You will implement and scale experiments on model internals: sparse "
    "autoencoders, circuit analysis and feature attribution on large language models. "
    "Mechanistic interpretability experience is a plus but not required; strong Python and "
    "PyTorch engineering is. A PhD is not required.",
    "rs_interp": "Lead research projects in mechanistic interpretability: choose research "
    "questions, design experiments and write papers on how transformers represent concepts. "
    "A PhD in machine learning or equivalent research experience is expected.",
    "rs_alignment": "Set research direction on alignment of frontier models: scalable "
    "oversight, reward hacking, generalization of honesty. You will design experiments, lead "
    "a small team and publish. PhD or equivalent experience leading research projects.",
    "re_evals": "Build dangerous capability evaluations of frontier models (autonomy, cyber "
    "offense, AI R&D). You will write evaluation harnesses and agent scaffolding in Python, "
    "run large batches of evals and analyse the results with researchers. Red-teaming "
    "experience welcome; no PhD required.",
    "rs_evals": "Lead evaluation research: threat models, elicitation methods and the science "
    "of evals for frontier AI. You will set the agenda for a team of research engineers and "
    "publish results that inform policy.",
    "re_rlhf": "Train and study reward models and RLHF pipelines: preference data, reward "
    "hacking, constitutional AI style training. Experience with large-scale training in "
    "PyTorch or JAX and distributed systems.",
    "re_control": "Work on AI control: protocols that keep untrusted models from causing harm "
    "even if they are misaligned. You will build control evaluations, monitors and "
    "red-team/blue-team games with language model agents.",
    "re_robustness": "Research adversarial robustness and jailbreak defenses for language "
    "models: adversarial training, automated red-teaming and robustness evaluations. Strong "
    "ML engineering in PyTorch; publications welcome but not required.",
    "swe_infra": "Build the infrastructure researchers depend on: experiment tracking, "
    "training and inference clusters, data pipelines and internal tools. This is a software "
    "engineering role: no machine learning experience is required. Python, Kubernetes, "
    "backend services and good engineering judgement.",
    "swe_product": "Build backend and full-stack systems for safeguards: abuse detection "
    "pipelines, classifiers in production and dashboards for investigators. Strong software "
    "engineering in Python or Go; no ML experience required.",
    "security": "Protect model weights and research infrastructure: security engineering, "
    "threat modelling, insider-risk controls and incident response for a frontier lab.",
    "policy": "Work on AI governance and policy: analyse frontier AI regulation, draft policy "
    "recommendations, brief government officials and coordinate with international "
    "institutions. A technical background in machine learning is a strong plus.",
    "policy_tech": "Technical AI governance: compute governance, evaluations for "
    "regulation, model weight security standards. Translate technical research into policy "
    "for governments and standards bodies.",
    "ops": "Keep the organisation running: operations, recruiting logistics, finance, events "
    "and people operations for a growing research team. No technical background required.",
    "manager": "Manage a team of researchers and engineers: project management, hiring, "
    "mentorship and research roadmaps for safety work. Experience as an engineering manager "
    "or research manager.",
    "fellowship": "A funded, mentored research fellowship in AI safety. Fellows work on an "
    "empirical project (interpretability, evals, control, scalable oversight) with a mentor, "
    "receive a stipend and compute budget, and present their results at the end. Open to "
    "career switchers: software engineers without ML research experience are encouraged to "
    "apply.",
    "residency": "A year-long residency program hosted inside the lab: residents join a "
    "research team, receive mentorship and training in machine learning research, and work "
    "on safety projects. No PhD required.",
    "course": "A free, part-time online course with weekly readings and facilitated "
    "discussion groups. Cohorts of 6-8 participants; about 5 hours a week for 8 weeks. "
    "Application deadline for the next cohort below.",
    "grant": "Funding for individuals and teams: upskilling grants to retrain into AI safety, "
    "project grants for independent research and career transition funding. Rolling "
    "applications; decisions in about 4 weeks.",
    "phd": "A funded PhD fellowship or postdoctoral position for research on AI existential "
    "safety: interpretability, robustness, alignment theory. Tuition and a stipend are "
    "covered.",
    "internship": "A 12-week student researcher internship on a safety team: you will run "
    "experiments with a mentor and may co-author a paper. Open to current PhD and masters "
    "students.",
    "data": "Measure and forecast AI progress: compute trends, training data, benchmarks and "
    "the economics of AI. Quantitative research with Python and careful writing for a broad "
    "audience.",
    "sales": "Own the full sales cycle for enterprise customers adopting our API and "
    "products: prospecting, negotiating contracts and expanding accounts. 5+ years of B2B "
    "SaaS sales experience.",
    "recruiting": "Partner with hiring managers to run interview loops, source candidates and "
    "keep an excellent candidate experience. Recruiting coordination experience.",
    "trust_safety": "Review user reports and flagged content against our usage policies, "
    "label content-moderation data and escalate abuse cases. Shift work; exposure to "
    "sensitive content. This is an operations role in Trust & Safety.",
    "marketing": "Lead go-to-market for product launches: positioning, messaging, launch "
    "plans and customer research for developer and enterprise audiences.",
    "comms": "Communicate our research to policymakers and the public: writing, editing, "
    "media relations and social media.",
    "theory": "Theoretical alignment research: formalize questions about learning, agency "
    "and ELK-style problems, and prove results. Strong mathematics background (proofs, "
    "probability theory); empirical ML experience not required.",
}

_GH_PAY = "Annual Salary"
USD, GBP, EUR = "USD", "GBP", "EUR"

GREENHOUSE: dict[str, tuple[str, str, list[Job]]] = {
    "anthropic": (
        "Anthropic",
        "us",
        [
            Job(
                "Research Engineer, Interpretability",
                "re_interp",
                ["San Francisco, CA | London, UK"],
                "hybrid",
                (315000, 560000, USD, "YEAR"),
                posted=-2,
                team="Interpretability",
                on_80k=True,
            ),
            Job(
                "Research Scientist, Alignment Science",
                "rs_alignment",
                ["San Francisco, CA"],
                "hybrid",
                (315000, 560000, USD, "YEAR"),
                posted=-4,
                team="Alignment Science",
            ),
            Job(
                "Research Engineer, Frontier Red Team",
                "re_evals",
                ["Remote-Friendly (Travel Required) | San Francisco, CA"],
                "remote",
                (280000, 425000, USD, "YEAR"),
                posted=-5,
                team="Frontier Red Team",
            ),
            Job(
                "Software Engineer, Safeguards Infrastructure",
                "swe_product",
                ["San Francisco, CA | Seattle, WA | New York City, NY"],
                "hybrid",
                (300000, 405000, USD, "YEAR"),
                posted=-1,
                team="Safeguards",
                on_80k=True,
            ),
            Job(
                "Anthropic Fellows Program, AI Safety Research",
                "fellowship",
                ["London, UK; Berkeley, CA; Remote (US, UK, Canada)"],
                "remote",
                salary_text="$3,850 USD weekly stipend",
                deadline=9,
                posted=-6,
                employment="Fellowship",
                team="Alignment Science",
                on_80k=True,
            ),
            Job(
                "Policy Lead, National Security",
                "policy",
                ["Washington, DC"],
                "onsite",
                (250000, 320000, USD, "YEAR"),
                posted=-3,
                team="Policy",
            ),
            Job(
                "Research Engineer, Alignment Finetuning",
                "re_rlhf",
                ["San Francisco, CA"],
                "hybrid",
                (315000, 340000, USD, "YEAR"),
                posted=-2,
                team="Alignment Science",
            ),
            Job(
                "Research Scientist, Interpretability",
                "rs_interp",
                ["San Francisco, CA | New York City, NY"],
                "hybrid",
                (315000, 560000, USD, "YEAR"),
                posted=-8,
                team="Interpretability",
            ),
            Job(
                "Research Engineer, Reward Models",
                "re_rlhf",
                ["London, UK"],
                "hybrid",
                (250000, 370000, GBP, "YEAR"),
                posted=-4,
                team="Finetuning",
            ),
            Job(
                "Security Engineer, Model Weights Protection",
                "security",
                ["San Francisco, CA | Seattle, WA"],
                "hybrid",
                (300000, 405000, USD, "YEAR"),
                posted=-6,
                team="Security",
            ),
            Job(
                "Enterprise Account Executive, Financial Services",
                "sales",
                ["New York City, NY"],
                "hybrid",
                (240000, 300000, USD, "YEAR"),
                posted=-2,
                team="Sales",
            ),
            Job(
                "Recruiter, Research",
                "recruiting",
                ["San Francisco, CA"],
                "hybrid",
                (150000, 200000, USD, "YEAR"),
                posted=-5,
                team="People",
            ),
            Job(
                "Technical Program Manager, Safety",
                "manager",
                ["San Francisco, CA"],
                "hybrid",
                (290000, 365000, USD, "YEAR"),
                posted=-7,
                team="Safeguards",
            ),
            Job(
                "Software Engineer, Research Tooling",
                "swe_infra",
                ["London, UK"],
                "hybrid",
                (200000, 290000, GBP, "YEAR"),
                posted=-3,
                team="Research Tooling",
            ),
            Job(
                "Research Engineer, Societal Impacts",
                "re_evals",
                ["San Francisco, CA"],
                "hybrid",
                (280000, 340000, USD, "YEAR"),
                posted=-9,
                team="Societal Impacts",
            ),
            Job(
                "Policy Advisor, EU AI Act",
                "policy",
                ["Brussels, Belgium"],
                "onsite",
                (120000, 160000, EUR, "YEAR"),
                posted=-4,
                team="Policy",
                extra="You will follow the implementation of the EU AI Act and the General-Purpose "
                "AI Code of Practice.",
            ),
            Job(
                "Operations Coordinator, Alignment",
                "ops",
                ["Berkeley, CA"],
                "onsite",
                (110000, 140000, USD, "YEAR"),
                posted=-6,
                team="Alignment Science",
            ),
            Job(
                "Research Scientist, Scalable Oversight",
                "rs_alignment",
                ["San Francisco, CA | London, UK"],
                "hybrid",
                (315000, 560000, USD, "YEAR"),
                posted=-10,
                team="Alignment Science",
            ),
            Job(
                "Research Engineer, AI Control",
                "re_control",
                ["London, UK"],
                "hybrid",
                (250000, 370000, GBP, "YEAR"),
                deadline=12,
                posted=-1,
                team="Alignment Science",
            ),
            Job(
                "Research Engineer, Model Evaluations (Contract)",
                "re_evals",
                ["Remote, US"],
                "remote",
                (90, 140, USD, "HOUR"),
                posted=-2,
                employment="Contract",
                team="Evals",
                fields={"pay_title": "Hourly Rate"},
            ),
        ],
    ),
    "deepmind": (
        "Google DeepMind",
        "us",
        [
            Job(
                "Research Scientist, AGI Safety & Alignment",
                "rs_alignment",
                ["London, UK"],
                "hybrid",
                posted=-3,
                team="AGI Safety & Alignment",
                on_80k=True,
            ),
            Job(
                "Research Engineer, Frontier Safety",
                "re_evals",
                ["London, UK"],
                "hybrid",
                posted=-5,
                team="Frontier Safety",
            ),
            Job(
                "Research Engineer, Mechanistic Interpretability",
                "re_interp",
                ["London, UK"],
                "hybrid",
                posted=-2,
                team="AGI Safety & Alignment",
            ),
            Job(
                "Research Scientist, Gemini Safety",
                "rs_alignment",
                ["Mountain View, California, US"],
                "onsite",
                (183000, 271000, USD, "YEAR"),
                posted=-7,
                team="Gemini Safety",
            ),
            Job(
                "Student Researcher, AI Safety (2027)",
                "internship",
                ["London, UK; Zurich, Switzerland"],
                "onsite",
                deadline=6,
                posted=-11,
                employment="Intern",
                team="Research",
            ),
            Job(
                "AI Policy Manager, Frontier Policy",
                "policy",
                ["London, UK"],
                "hybrid",
                (95000, 125000, GBP, "YEAR"),
                posted=-4,
                team="Public Policy",
            ),
            Job(
                "Software Engineer, Responsible AI Infrastructure",
                "swe_infra",
                ["Zurich, Switzerland"],
                "hybrid",
                posted=-6,
                team="Responsibility",
            ),
            Job(
                "Research Scientist, Amplified Oversight",
                "rs_alignment",
                ["Mountain View, California, US"],
                "hybrid",
                (183000, 271000, USD, "YEAR"),
                posted=-12,
                team="AGI Safety & Alignment",
            ),
            Job(
                "Research Engineer, Reward Modelling",
                "re_rlhf",
                ["London, UK"],
                "onsite",
                posted=-8,
                team="Gemini Post-Training",
            ),
            Job(
                "Program Manager, Responsibility & Safety",
                "manager",
                ["London, UK"],
                "hybrid",
                posted=-5,
                team="Responsibility",
            ),
            Job(
                "Product Marketing Manager, Gemini API",
                "marketing",
                ["Mountain View, California, US"],
                "hybrid",
                (140000, 205000, USD, "YEAR"),
                posted=-2,
                team="Marketing",
            ),
            Job(
                "Research Scientist, Adversarial Robustness",
                "re_robustness",
                ["New York City, NY, US"],
                "hybrid",
                (183000, 271000, USD, "YEAR"),
                posted=-9,
                team="Security & Privacy Research",
            ),
            Job(
                "Research Engineer, Dangerous Capability Evaluations",
                "re_evals",
                ["Remote, UK"],
                "remote",
                posted=-1,
                team="Frontier Safety",
            ),
            Job(
                "Google DeepMind AI Residency",
                "residency",
                ["London, UK"],
                "onsite",
                deadline=20,
                posted=-14,
                employment="Fixed Term",
                team="Research",
            ),
        ],
    ),
    "goodfire": (
        "Goodfire",
        "us",
        [
            Job(
                "Research Engineer, Interpretability",
                "re_interp",
                ["San Francisco, CA"],
                "onsite",
                (200000, 300000, USD, "YEAR"),
                posted=-3,
            ),
            Job(
                "Research Scientist, Interpretability",
                "rs_interp",
                ["San Francisco, CA"],
                "onsite",
                (250000, 350000, USD, "YEAR"),
                posted=-6,
            ),
            Job(
                "Software Engineer, Platform",
                "swe_infra",
                ["San Francisco, CA"],
                "onsite",
                (180000, 260000, USD, "YEAR"),
                posted=-4,
            ),
            Job(
                "Interpretability Research Fellow",
                "fellowship",
                ["San Francisco, CA; Remote"],
                "remote",
                salary_text="$10,000/month stipend",
                deadline=13,
                posted=-5,
                employment="Fellowship",
            ),
            Job(
                "Founding Product Designer",
                "marketing",
                ["San Francisco, CA"],
                "onsite",
                (170000, 230000, USD, "YEAR"),
                posted=-10,
            ),
        ],
    ),
    "aisi": (
        "UK AI Security Institute",
        "eu",
        [
            Job(
                "Research Scientist, Safeguards",
                "rs_evals",
                ["London, UK"],
                "hybrid",
                (65000, 135000, GBP, "YEAR"),
                posted=-4,
                team="Safeguard Analysis",
            ),
            Job(
                "Research Engineer, Autonomous Systems",
                "re_evals",
                ["London, UK"],
                "hybrid",
                (65000, 135000, GBP, "YEAR"),
                deadline=5,
                posted=-10,
                team="Autonomous Systems",
            ),
            Job(
                "Software Engineer, Inspect Evaluation Platform",
                "swe_infra",
                ["London, UK"],
                "hybrid",
                (65000, 105000, GBP, "YEAR"),
                posted=-2,
                team="Platform",
                extra="You will work on Inspect, the open-source framework for large language "
                "model evaluations.",
            ),
            Job(
                "Technical Policy Advisor",
                "policy_tech",
                ["London, UK"],
                "hybrid",
                (55000, 80000, GBP, "YEAR"),
                posted=-6,
                team="Strategy",
            ),
            Job(
                "Research Engineer, Cyber Misuse",
                "re_evals",
                ["London, UK; Bristol, UK"],
                "hybrid",
                (65000, 135000, GBP, "YEAR"),
                posted=-3,
                team="Cyber & Autonomous Systems",
            ),
            Job(
                "Strategy & Delivery Manager",
                "ops",
                ["London, UK"],
                "hybrid",
                (50000, 68000, GBP, "YEAR"),
                posted=-8,
                team="Operations",
            ),
            Job(
                "Research Scientist, Alignment",
                "rs_alignment",
                ["London, UK"],
                "hybrid",
                (65000, 135000, GBP, "YEAR"),
                deadline=25,
                posted=-5,
                team="Alignment",
            ),
            Job(
                "Senior Research Engineer, Control",
                "re_control",
                ["London, UK"],
                "hybrid",
                (85000, 135000, GBP, "YEAR"),
                posted=-1,
                team="Control",
            ),
        ],
    ),
}

LEVER: dict[str, tuple[str, str, list[Job]]] = {
    "metr": (
        "METR",
        "us",
        [
            Job(
                "Research Engineer, Evaluations",
                "re_evals",
                ["Berkeley, CA"],
                "hybrid",
                (250000, 360000, USD, "YEAR"),
                posted=-2,
                team="Evaluations",
                on_80k=True,
            ),
            Job(
                "Research Scientist, Threat Modeling",
                "rs_evals",
                ["Berkeley, CA"],
                "hybrid",
                (250000, 360000, USD, "YEAR"),
                posted=-7,
                team="Research",
            ),
            Job(
                "Software Engineer, Evals Infrastructure",
                "swe_infra",
                ["Remote (US)"],
                "remote",
                (200000, 290000, USD, "YEAR"),
                posted=-4,
                team="Platform",
            ),
            Job(
                "Operations Generalist",
                "ops",
                ["Berkeley, CA"],
                "onsite",
                salary_text="$110,000 - $150,000 a year, depending on experience",
                posted=-9,
                team="Operations",
            ),
            Job(
                "Task Developer (Contract)",
                "re_evals",
                ["Remote"],
                "remote",
                (60, 120, USD, "HOUR"),
                posted=-3,
                employment="Contract",
                team="Evaluations",
                extra="Design realistic agentic tasks for evaluations; part-time, hourly.",
            ),
            Job(
                "Policy Researcher",
                "policy_tech",
                ["Washington, DC / Remote"],
                "remote",
                (150000, 220000, USD, "YEAR"),
                posted=-6,
                team="Policy",
            ),
        ],
    ),
    "apolloresearch": (
        "Apollo Research",
        "us",
        [
            Job(
                "Research Scientist, Evals (Scheming)",
                "rs_evals",
                ["London"],
                "onsite",
                salary_text="£100,000 - £200,000",
                posted=-3,
                team="Evals",
                extra="Our evals focus on deception, sandbagging and scheming in frontier models.",
            ),
            Job(
                "Research Engineer, Evals",
                "re_evals",
                ["London"],
                "onsite",
                salary_text="£90,000 - £180,000",
                posted=-5,
                team="Evals",
            ),
            Job(
                "Software Engineer",
                "swe_infra",
                ["London"],
                "hybrid",
                salary_text="£70,000 - £120,000",
                posted=-8,
                team="Engineering",
            ),
            Job(
                "Governance Researcher",
                "policy",
                ["London"],
                "hybrid",
                posted=-4,
                team="Governance",
                deadline=8,
            ),
            Job("Operations Manager", "ops", ["London"], "onsite", posted=-12, team="Operations"),
        ],
    ),
    "epoch-ai": (
        "Epoch AI",
        "us",
        [
            Job(
                "Researcher, Data & Trends",
                "data",
                ["Remote"],
                "remote",
                (80000, 150000, USD, "YEAR"),
                posted=-2,
                team="Research",
            ),
            Job(
                "Research Engineer, Benchmarks",
                "re_evals",
                ["Remote"],
                "remote",
                (100000, 180000, USD, "YEAR"),
                posted=-6,
                team="Benchmarking",
            ),
            Job(
                "AI Policy Researcher", "policy", ["Remote"], "remote", posted=-10, team="Research"
            ),
            Job(
                "Operations Associate",
                "ops",
                ["Remote"],
                "remote",
                salary_text="$60,000 - $90,000",
                posted=-4,
                team="Operations",
            ),
        ],
    ),
    "futureof-life": (
        "Future of Life Institute",
        "us",
        [
            Job(
                "EU Policy Advisor",
                "policy",
                ["Brussels, Belgium"],
                "hybrid",
                (70000, 95000, EUR, "YEAR"),
                posted=-5,
                team="Policy",
            ),
            Job(
                "US Policy Specialist",
                "policy",
                ["Washington, DC"],
                "hybrid",
                (110000, 150000, USD, "YEAR"),
                posted=-3,
                team="Policy",
            ),
            Job(
                "Vitalik Buterin PhD Fellowship in AI Existential Safety",
                "phd",
                ["Remote"],
                "remote",
                posted=-15,
                deadline=12,
                employment="Fellowship",
                team="Fellowships",
            ),
            Job(
                "Communications Officer",
                "comms",
                ["Remote (Europe)"],
                "remote",
                (60000, 80000, EUR, "YEAR"),
                posted=-7,
                team="Communications",
            ),
        ],
    ),
}

ASHBY: dict[str, tuple[str, list[Job]]] = {
    "openai": (
        "OpenAI",
        [
            Job(
                "Research Engineer, Safety Systems",
                "re_robustness",
                ["San Francisco"],
                "hybrid",
                (310000, 460000, USD, "YEAR"),
                posted=-2,
                team="Safety Systems",
            ),
            Job(
                "Research Scientist, Alignment",
                "rs_alignment",
                ["San Francisco"],
                "hybrid",
                salary_text="$200K - $300K USD",
                posted=-5,
                team="Alignment",
            ),
            Job(
                "Software Engineer, Integrity",
                "swe_product",
                ["San Francisco; New York City"],
                "hybrid",
                (255000, 405000, USD, "YEAR"),
                posted=-3,
                team="Integrity",
            ),
            Job(
                "Trust & Safety Operations Analyst, Content Moderation",
                "trust_safety",
                ["Remote - US"],
                "remote",
                (90000, 120000, USD, "YEAR"),
                posted=-1,
                team="User Operations",
            ),
            Job(
                "Recruiting Coordinator",
                "recruiting",
                ["San Francisco"],
                "onsite",
                (90000, 130000, USD, "YEAR"),
                posted=-4,
                team="Recruiting",
            ),
            Job(
                "Account Director, Strategic Accounts",
                "sales",
                ["New York City"],
                "hybrid",
                (250000, 310000, USD, "YEAR"),
                posted=-6,
                team="Go To Market",
            ),
            Job(
                "Research Engineer, Preparedness",
                "re_evals",
                ["San Francisco"],
                "hybrid",
                (310000, 460000, USD, "YEAR"),
                posted=-3,
                team="Preparedness",
            ),
            Job(
                "Research Scientist, Interpretability",
                "rs_interp",
                ["San Francisco"],
                "hybrid",
                (310000, 460000, USD, "YEAR"),
                posted=-9,
                team="Interpretability",
            ),
            Job(
                "OpenAI Residency",
                "residency",
                ["San Francisco"],
                "onsite",
                salary_text="$220K annualized",
                deadline=10,
                posted=-12,
                team="Residency",
            ),
            Job(
                "Policy Researcher, Global Affairs",
                "policy",
                ["Washington, DC"],
                "hybrid",
                (200000, 260000, USD, "YEAR"),
                posted=-7,
                team="Global Affairs",
            ),
            Job(
                "Technical Program Manager, Safety Systems",
                "manager",
                ["San Francisco"],
                "hybrid",
                (230000, 320000, USD, "YEAR"),
                posted=-8,
                team="Safety Systems",
            ),
            Job(
                "Research Engineer, Model Behavior",
                "re_rlhf",
                ["San Francisco"],
                "onsite",
                (295000, 440000, USD, "YEAR"),
                posted=-5,
                team="Model Behavior",
            ),
            Job(
                "Software Engineer, Safety Research Infrastructure",
                "swe_infra",
                ["London, UK"],
                "hybrid",
                (160000, 245000, GBP, "YEAR"),
                posted=-2,
                team="Safety Systems",
            ),
            Job(
                "Security Engineer, Detection & Response",
                "security",
                ["San Francisco"],
                "hybrid",
                (260000, 385000, USD, "YEAR"),
                posted=-11,
                team="Security",
            ),
        ],
    ),
    "far.ai": (
        "FAR.AI",
        [
            Job(
                "Research Engineer",
                "re_robustness",
                ["Berkeley, CA; Remote"],
                "remote",
                (100000, 190000, USD, "YEAR"),
                posted=-3,
                team="Research",
                on_80k=True,
            ),
            Job(
                "Research Scientist",
                "rs_alignment",
                ["Berkeley, CA"],
                "hybrid",
                (150000, 250000, USD, "YEAR"),
                posted=-6,
                team="Research",
            ),
            Job(
                "Senior Software Engineer",
                "swe_infra",
                ["Remote"],
                "remote",
                (150000, 210000, USD, "YEAR"),
                posted=-4,
                team="Engineering",
            ),
            Job(
                "Events & Operations Manager",
                "ops",
                ["Berkeley, CA"],
                "onsite",
                salary_text="$90K - $130K",
                posted=-8,
                team="Operations",
            ),
            Job(
                "FAR.Labs Research Residency",
                "residency",
                ["Berkeley, CA"],
                "onsite",
                deadline=16,
                posted=-10,
                employment="Contract",
                team="FAR.Labs",
            ),
        ],
    ),
    "miri": (
        "MIRI",
        [
            Job(
                "Technical Governance Researcher",
                "policy_tech",
                ["Berkeley, CA; Remote"],
                "remote",
                (120000, 220000, USD, "YEAR"),
                posted=-5,
                team="Technical Governance",
            ),
            Job(
                "Communications Generalist",
                "comms",
                ["Berkeley, CA"],
                "hybrid",
                (90000, 150000, USD, "YEAR"),
                posted=-9,
                team="Communications",
            ),
        ],
    ),
    "coefficientgiving": (
        "Coefficient Giving",
        [
            Job(
                "Program Associate, Technical AI Safety",
                "grant",
                ["San Francisco; Remote"],
                "remote",
                (150000, 210000, USD, "YEAR"),
                posted=-6,
                team="Navigating Transformative AI",
                extra="You will evaluate grant proposals and help build the technical AI safety "
                "funding program.",
            ),
            Job(
                "Request for Proposals: Technical AI Safety Research",
                "grant",
                ["Remote"],
                "remote",
                deadline=30,
                posted=-20,
                employment="Contract",
                team="Grants",
            ),
            Job(
                "Career Development and Transition Funding",
                "grant",
                ["Remote"],
                "remote",
                posted=-40,
                employment="Contract",
                team="Grants",
            ),
            Job(
                "Operations Associate",
                "ops",
                ["Washington, DC"],
                "hybrid",
                (85000, 110000, USD, "YEAR"),
                posted=-3,
                team="Operations",
            ),
        ],
    ),
    "bluedot": (
        "BlueDot Impact",
        [
            Job(
                "AI Safety Fundamentals: Alignment Course (next cohort)",
                "course",
                ["Online"],
                "remote",
                deadline=4,
                posted=-14,
                employment="PartTime",
                team="Courses",
            ),
            Job(
                "AI Governance Course (next cohort)",
                "course",
                ["Online"],
                "remote",
                deadline=11,
                posted=-10,
                employment="PartTime",
                team="Courses",
            ),
            Job(
                "Software Engineer",
                "swe_product",
                ["London, UK"],
                "hybrid",
                salary_text="£65,000-£75,000",
                posted=-5,
                team="Product",
            ),
        ],
    ),
}


@dataclass
class BoardHit:
    """A posting seen only on the 80,000 Hours board (employer without an ATS source)."""

    org: str
    title: str
    kind: str
    url: str
    locations: list[str]
    role_types: list[str]
    salary: str | None = None
    deadline: int | None = None
    posted: int = -4
    remote: bool = False
    skills: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    description: str = ""


EIGHTY_K: list[BoardHit] = [
    BoardHit(
        "Alignment Research Center",
        "Research Scientist, Theory",
        "theory",
        "https://www.alignment.org/hiring/theory-researcher",
        ["Berkeley, CA, USA"],
        ["Full-time"],
        "$150,000 - $250,000",
        posted=-6,
        skills=["Research"],
        countries=["USA"],
    ),
    BoardHit(
        "Timaeus",
        "Research Scientist, Developmental Interpretability",
        "rs_interp",
        "https://timaeus.co/careers/research-scientist",
        ["Remote", "Berkeley, CA, USA"],
        ["Full-time"],
        "$120,000 - $180,000",
        remote=True,
        posted=-3,
        skills=["Research", "Software engineering"],
        countries=["USA"],
    ),
    BoardHit(
        "Center for Human-Compatible AI",
        "Postdoctoral Researcher, AI Alignment",
        "phd",
        "https://humancompatible.ai/jobs/postdoc-2027",
        ["Berkeley, CA, USA"],
        ["Full-time"],
        deadline=21,
        posted=-9,
        skills=["Research"],
        countries=["USA"],
    ),
    BoardHit(
        "LASR Labs",
        "LASR Labs Summer Research Programme",
        "fellowship",
        "https://www.lasrlabs.org/apply",
        ["London, UK"],
        ["Fellowship"],
        "£11,000 stipend for 13 weeks",
        deadline=7,
        posted=-12,
        skills=["Research", "Software engineering"],
        countries=["UK"],
    ),
    BoardHit(
        "SPAR",
        "Supervised Program for Alignment Research (Spring cohort)",
        "fellowship",
        "https://sparai.org/apply",
        ["Remote"],
        ["Fellowship", "Part-time"],
        deadline=3,
        posted=-15,
        remote=True,
        skills=["Research"],
    ),
    BoardHit(
        "PIBBSS",
        "PIBBSS Summer Research Fellowship",
        "fellowship",
        "https://pibbss.ai/fellowship",
        ["Prague, Czechia", "Remote"],
        ["Fellowship"],
        "€4,000/month",
        deadline=18,
        posted=-8,
        skills=["Research"],
        countries=["Czechia"],
    ),
    BoardHit(
        "ERA Cambridge",
        "ERA Fellowship: AI Governance & Technical Safety",
        "fellowship",
        "https://erafellowship.org/apply",
        ["Cambridge, UK"],
        ["Fellowship"],
        "£5,000 stipend plus accommodation",
        deadline=26,
        posted=-5,
        skills=["Research", "Policy"],
        countries=["UK"],
    ),
    BoardHit(
        "Constellation",
        "Astra Fellowship",
        "fellowship",
        "https://www.constellation.org/programs/astra-fellowship",
        ["Berkeley, CA, USA"],
        ["Fellowship"],
        "$8,400/month",
        deadline=14,
        posted=-10,
        skills=["Research"],
        countries=["USA"],
    ),
    BoardHit(
        "Center for Security and Emerging Technology",
        "Research Analyst, AI Assessment",
        "policy",
        "https://cset.georgetown.edu/job/research-analyst-ai-assessment",
        ["Washington, DC, USA"],
        ["Full-time"],
        "$75,000 - $95,000",
        posted=-4,
        skills=["Policy", "Research"],
        countries=["USA"],
    ),
    BoardHit(
        "Horizon Institute for Public Service",
        "Horizon Fellowship (AI track)",
        "policy",
        "https://horizonpublicservice.org/fellowship",
        ["Washington, DC, USA"],
        ["Fellowship"],
        "$90,000 - $130,000 annualized",
        deadline=19,
        posted=-11,
        skills=["Policy"],
        countries=["USA"],
    ),
    BoardHit(
        "Institute for Progress",
        "Technical Fellow, Emerging Technology Policy",
        "policy_tech",
        "https://ifp.org/careers/technical-fellow",
        ["Washington, DC, USA"],
        ["Full-time"],
        "$110,000 - $160,000",
        posted=-7,
        skills=["Policy"],
        countries=["USA"],
    ),
    BoardHit(
        "AI Safety Camp",
        "AI Safety Camp: research project participant",
        "fellowship",
        "https://www.aisafety.camp/apply",
        ["Remote"],
        ["Part-time", "Volunteer"],
        deadline=22,
        posted=-16,
        remote=True,
        skills=["Research"],
    ),
    BoardHit(
        "Longview Philanthropy",
        "Grantmaker, Emerging Technology",
        "grant",
        "https://www.longview.org/careers/grantmaker",
        ["London, UK", "Remote"],
        ["Full-time"],
        "£65,000-£75,000",
        remote=True,
        posted=-6,
        skills=["Grantmaking"],
        countries=["UK"],
    ),
    BoardHit(
        "Survival and Flourishing Fund",
        "SFF grant round (AI safety)",
        "grant",
        "https://survivalandflourishing.fund/apply",
        ["Remote"],
        ["Funding"],
        deadline=11,
        posted=-18,
        remote=True,
        skills=["Research"],
    ),
    BoardHit(
        "UK AI Security Institute",
        "Challenge Fund: systemic safety grants",
        "grant",
        "https://www.aisi.gov.uk/grants/challenge-fund",
        ["London, UK", "Remote"],
        ["Funding"],
        "Up to £200,000 per project",
        deadline=33,
        posted=-20,
        remote=True,
        skills=["Research"],
        countries=["UK"],
    ),
    BoardHit(
        "Center for AI Safety",
        "Research Engineer",
        "re_robustness",
        "https://www.safe.ai/careers/research-engineer",
        ["San Francisco, CA, USA"],
        ["Full-time"],
        "$150,000 - $220,000",
        posted=-3,
        skills=["Software engineering", "Research"],
        countries=["USA"],
    ),
    BoardHit(
        "EleutherAI",
        "Interpretability Researcher (remote)",
        "re_interp",
        "https://www.eleuther.ai/careers/interpretability",
        ["Remote"],
        ["Full-time"],
        remote=True,
        posted=-8,
        skills=["Research", "Software engineering"],
    ),
    BoardHit(
        "Institute for AI Policy and Strategy",
        "Policy Fellowship",
        "policy",
        "https://www.iaps.ai/fellowship",
        ["Washington, DC, USA", "Remote"],
        ["Fellowship"],
        "$15,000 for 3 months",
        deadline=9,
        posted=-9,
        skills=["Policy"],
        countries=["USA"],
    ),
    BoardHit(
        "ARENA",
        "ARENA in-person ML engineering bootcamp",
        "course",
        "https://www.arena.education/apply",
        ["London, UK"],
        ["Course", "Full-time"],
        deadline=15,
        posted=-13,
        skills=["Software engineering"],
        countries=["UK"],
    ),
    BoardHit(
        "Kairos",
        "Pathfinder Fellowship for AI safety group organizers",
        "fellowship",
        "https://kairos-project.org/pathfinder",
        ["Remote"],
        ["Fellowship", "Part-time"],
        "$1,000 stipend",
        deadline=20,
        posted=-7,
        remote=True,
        skills=["Community building"],
    ),
    BoardHit(
        "Cambridge Boston Alignment Initiative",
        "Operations Manager",
        "ops",
        "https://www.cbai.ai/careers/operations-manager",
        ["Cambridge, MA, USA"],
        ["Full-time"],
        "$80,000 - $100,000",
        posted=-5,
        skills=["Operations"],
        countries=["USA"],
    ),
    BoardHit(
        "Centre for Effective Altruism",
        "Community Events Associate",
        "ops",
        "https://www.centreforeffectivealtruism.org/careers/events-associate",
        ["Oxford, UK", "Remote"],
        ["Full-time"],
        "£40,000-£50,000",
        remote=True,
        posted=-10,
        skills=["Operations"],
        countries=["UK"],
    ),
    BoardHit(
        "Transluce",
        "Member of Technical Staff, Interpretability Tools",
        "re_interp",
        "https://transluce.org/careers/mts-tools",
        ["San Francisco, CA, USA"],
        ["Full-time"],
        "$180,000 - $260,000",
        posted=-2,
        skills=["Software engineering", "Research"],
        countries=["USA"],
    ),
    BoardHit(
        "Tilde Research",
        "Research Engineer, Interpretability",
        "re_interp",
        "https://tilderesearch.com/careers/research-engineer",
        ["San Francisco, CA, USA"],
        ["Full-time"],
        posted=-4,
        skills=["Research"],
        countries=["USA"],
    ),
]


@dataclass
class ForumPost:
    """A ForumMagnum (EA Forum) post; ``opportunity`` posts announce something to apply to."""

    post_id: str
    slug: str
    title: str
    author: str
    body: str
    posted: int
    opportunity: bool


FORUM: list[ForumPost] = [
    ForumPost(
        "dMoSaPle1aBcD2eF3",
        "apply-to-the-catalyze-ai-safety-incubator",
        "Apply to the Catalyze AI safety incubator (deadline in 10 days)",
        "Catalyze Team",
        "<p>Catalyze Impact is accepting applications for its AI safety incubator: a "
        "3-month program in London for founders building new AI safety research "
        "organizations. Stipend of £4,000/month and seed funding up to $100k.</p>"
        "<p>Applications close on {{long:+10}}.</p>",
        -2,
        True,
    ),
    ForumPost(
        "dMoSaPle2gHiJ4kL5",
        "we-re-hiring-research-engineers-at-apart-research",
        "We're hiring: research engineers at Apart Research (remote)",
        "Apart Research",
        "<p>Apart Research is hiring two research engineers to run AI safety research "
        "sprints and mentor participants on evals and interpretability projects. Fully "
        "remote, $90,000 - $120,000. No PhD required.</p>",
        -3,
        True,
    ),
    ForumPost(
        "dMoSaPle3mNoP6qR7",
        "announcing-the-ai-safety-grants-round",
        "Announcing a new funding round for independent AI safety researchers",
        "Long-Term Future Fund",
        "<p>The fund is accepting grant applications from independent researchers and "
        "career switchers: upskilling grants, project grants and travel support. "
        "Rolling applications; the next review batch closes {{long:+6}}.</p>",
        -1,
        True,
    ),
    ForumPost(
        "dMoSaPle4sTuV8wX9",
        "mats-winter-cohort-mentor-applications",
        "MATS winter cohort: applications open for scholars",
        "MATS Team",
        "<p>Applications for the MATS winter cohort are open. Scholars receive a "
        "stipend, housing and mentorship from alignment researchers for ten weeks in "
        "Berkeley or London.</p>",
        -4,
        True,
    ),
    ForumPost(
        "dMoSaPle5yZaB1cD2",
        "job-listing-policy-fellow-at-govai",
        "Job listing (open): Summer Fellowship in AI governance",
        "GovAI Team",
        "<p>A three-month summer fellowship in AI governance research, based in London "
        "or Oxford. Fellows receive £10,000 and mentorship from GovAI researchers. "
        "Deadline {{long:+13}}.</p>",
        -5,
        True,
    ),
    ForumPost(
        "dMoSaPle6eFgH3iJ4",
        "seeking-operations-lead-ai-safety-hub",
        "Hiring: operations lead for a new AI safety hub in Berlin",
        "AI Safety Berlin",
        "<p>We are hiring an operations lead (full-time, Berlin, €55,000-€65,000) to run "
        "the space, events and visiting researcher programme.</p>",
        -6,
        True,
    ),
    ForumPost(
        "dMoSaPle7kLmN5oP6",
        "internship-evals-at-a-nonprofit",
        "Internship opportunity: dangerous capability evals (summer)",
        "Evals Nonprofit Staff",
        "<p>A paid 10-week summer internship building dangerous capability evaluations "
        "with our research engineers. Remote or Berkeley. $8,000/month.</p>",
        -2,
        True,
    ),
    ForumPost(
        "dMoSaPle8qRsT7uV8",
        "course-ai-safety-technical-reading-group",
        "Applications open: 8-week technical AI safety course for software engineers",
        "AI Safety Course Team",
        "<p>Free, part-time course aimed at software engineers who want to move into "
        "AI safety: one hands-on PyTorch exercise per week, then a capstone project. "
        "Apply by {{long:+8}}.</p>",
        -3,
        True,
    ),
    ForumPost(
        "dMoSaPle9wXyZ9aB0",
        "reflections-on-my-first-year-in-ai-safety",
        "Reflections on my first year in AI safety",
        "A Forum User",
        "<p>A year ago I left my software engineering role. Here is what I learned about "
        "reading papers, picking a research direction and staying motivated.</p>",
        -2,
        False,
    ),
    ForumPost(
        "dMoSaPleAcDeF1gH2",
        "quarterly-community-survey-results",
        "Community survey results: Q3",
        "Survey Team",
        "<p>We summarise 1,200 responses about donation habits, cause prioritisation and "
        "community health.</p>",
        -5,
        False,
    ),
    ForumPost(
        "dMoSaPleBiJkL3mN4",
        "a-model-of-compute-trends",
        "A simple model of compute trends through 2030",
        "A Forum User",
        "<p>I fit a few curves to public training-compute estimates and discuss what "
        "they imply for timelines.</p>",
        -7,
        False,
    ),
    ForumPost(
        "dMoSaPleCoPqR5sT6",
        "book-review-the-alignment-problem",
        "Book review: The Alignment Problem",
        "A Forum User",
        "<p>Notes on a popular book about machine learning and human values.</p>",
        -9,
        False,
    ),
]

# Palisade Research's own careers site with schema.org JobPosting JSON-LD on detail pages.
JSONLD_ORG = "Palisade Research"
JSONLD: list[Job] = [
    Job(
        "Research Engineer, Offensive AI Capabilities",
        "re_evals",
        ["Berkeley, CA, US"],
        "onsite",
        (150000, 220000, USD, "YEAR"),
        posted=-3,
        deadline=28,
        employment="FULL_TIME",
    ),
    Job(
        "Research Scientist, Shutdown Resistance",
        "rs_evals",
        ["Berkeley, CA, US"],
        "onsite",
        (170000, 250000, USD, "YEAR"),
        posted=-5,
        employment="FULL_TIME",
    ),
    Job(
        "Software Engineer, Demos & Tooling",
        "swe_product",
        ["Remote, US"],
        "remote",
        (140000, 190000, USD, "YEAR"),
        posted=-2,
        employment="FULL_TIME",
    ),
    Job(
        "Policy Communications Lead",
        "comms",
        ["Washington, DC, US"],
        "hybrid",
        posted=-8,
        deadline=10,
        employment="FULL_TIME",
    ),
    Job(
        "Research Intern, AI Hacking Evaluations",
        "internship",
        ["Remote, US"],
        "remote",
        (40, 60, USD, "HOUR"),
        posted=-6,
        deadline=5,
        employment="INTERN",
    ),
    Job(
        "Operations & Finance Manager",
        "ops",
        ["Berkeley, CA, US"],
        "onsite",
        (110000, 140000, USD, "YEAR"),
        posted=-10,
        employment="FULL_TIME",
    ),
    Job(
        "Visiting Researcher (3-6 months)",
        "fellowship",
        ["Berkeley, CA, US"],
        "onsite",
        (7000, 7000, USD, "MONTH"),
        posted=-7,
        employment="TEMPORARY",
    ),
]

# Bespoke HTML pages: (title, kind, location, type, deadline days, slug, extra text)
MATS = [
    (
        "MATS Winter Program",
        "fellowship",
        "Berkeley, CA; London, UK",
        "Fellowship",
        9,
        "winter",
        "Ten weeks of mentored research with a $15,000 stipend, housing and compute.",
    ),
    (
        "MATS Extension Phase",
        "fellowship",
        "London, UK",
        "Fellowship",
        40,
        "extension",
        "Six to twelve more months of research for scholars who completed the main program.",
    ),
    (
        "MATS Research Manager",
        "manager",
        "Berkeley, CA",
        "Full-time",
        17,
        "research-manager",
        "Support scholars and mentors as a research manager; salary $130K - $180K.",
    ),
]
GOVAI = [
    (
        "Research Scholar",
        "policy",
        "Oxford, UK / Remote",
        "Fellowship",
        24,
        "research-scholar",
        "A one-year visiting position for researchers in AI governance. £65,000-£75,000.",
    ),
    (
        "Summer Fellowship 2027",
        "policy",
        "London, UK",
        "Fellowship",
        13,
        "summer-fellowship",
        "Three months of AI governance research with mentorship. £10,000 stipend.",
    ),
    (
        "Winter Fellowship",
        "policy",
        "London, UK",
        "Fellowship",
        45,
        "winter-fellowship",
        "A three-month fellowship for early-career governance researchers.",
    ),
    (
        "Research Fellow, Compute Governance",
        "policy_tech",
        "London, UK",
        "Full-time",
        None,
        "research-fellow-compute",
        "Technical AI governance research on compute and chips.",
    ),
    (
        "Operations Associate",
        "ops",
        "Oxford, UK",
        "Full-time",
        10,
        "operations-associate",
        "Help run our fellowships, events and office. £40,000-£48,000.",
    ),
]
REDWOOD = [
    (
        "Member of Technical Staff, AI Control",
        "re_control",
        "Berkeley, CA",
        "Full-time",
        "mts-control",
        "Research on control protocols for untrusted models.",
    ),
    (
        "Research Scientist",
        "rs_alignment",
        "Berkeley, CA",
        "Full-time",
        "research-scientist",
        "Lead projects on alignment faking and control evaluations.",
    ),
    (
        "Software Engineer, Research Infrastructure",
        "swe_infra",
        "Berkeley, CA",
        "Full-time",
        "swe-infra",
        "Build our experiment infrastructure; no ML experience required.",
    ),
    (
        "Research Engineer (Remote-friendly)",
        "re_control",
        "Remote / Berkeley, CA",
        "Full-time",
        "research-engineer",
        "Implement and run control experiments with language model agents.",
    ),
]
