"""The role/skill classifier: specific behaviours, accuracy floors on the labeled set
(tests/data/labeled_postings.jsonl, see bench/classify.py), evidence and robustness."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggregator.normalize.classifier import Classification, classify
from aggregator.normalize.flags import ML_VALUES, PHD_VALUES, RELEVANCE_VALUES, SENIORITY_LEVELS
from aggregator.normalize.taxonomy import load_taxonomy

LABELED = Path(__file__).resolve().parent / "data" / "labeled_postings.jsonl"


def _labeled() -> list[dict[str, Any]]:
    lines = LABELED.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _classify(record: dict[str, Any]) -> Classification:
    return classify(
        title=record["title"],
        description_text=record.get("description", ""),
        department=record.get("department"),
        org_type=record.get("org_type"),
        org=record.get("org"),
    )


# -- roles --------------------------------------------------------------------------------

ROLE_CASES = [
    # (title, body, org_type, department, expected role, secondary role or None)
    ("Research Engineer, Interpretability", "", "lab", None, "research_engineer", None),
    ("Senior Research Scientist", "", "lab", None, "research_scientist", None),
    ("Software Engineer, Backend", "", "nonprofit", None, "software_engineer", None),
    # A program named after a staff title is the department: its policy reading stays.
    ("Director, Program on AI Policy", "", None, None, "management", "policy"),
    (
        "Member of Technical Staff",
        "You will implement research ideas, run experiments and scale training code. "
        "Work closely with researchers. Strong Python and PyTorch.",
        "lab",
        None,
        "research_engineer",
        None,
    ),
    (
        "Member of Technical Staff",
        "Set the research agenda, design novel experiments and publish papers at NeurIPS. "
        "A strong publication record is expected.",
        "lab",
        None,
        "research_scientist",
        None,
    ),
    (
        "Research Scientist",
        "Implement and scale fine-tuning methods, build evaluation pipelines and research "
        "infrastructure, optimize training code and run experiments. Strong software "
        "engineering skills; you will work closely with researchers.",
        "lab",
        None,
        "research_scientist",
        "research_engineer",
    ),
    ("Anthropic Fellows Program - AI Safety Research", "", "lab", None, "fellowship", None),
    ("AI Residency 2027", "A 12-month program.", "lab", None, "residency", None),
    ("Summer Research Intern", "", "nonprofit", None, "internship", None),
    ("Research Scientist Intern, Alignment", "", "lab", None, "internship", None),
    ("Applications open for MATS Winter 2027", "", None, None, "fellowship", None),
    ("SPAR Spring 2027: mentees wanted", "", None, None, "fellowship", None),
    ("ARENA 6.0", "A five-week bootcamp.", "program", None, "course", None),
    ("AI Safety Fundamentals: Governance", "", "program", None, "course", None),
    ("Career development and transition funding", "", "funder", None, "grant", None),
    ("Request for proposals: interpretability", "", "funder", None, "grant", None),
    ("PhD position in AI alignment", "", "academic", None, "phd_or_postdoc", None),
    ("Postdoctoral Research Associate", "", "academic", None, "phd_or_postdoc", None),
    ("Policy Analyst, AI Governance", "", "nonprofit", None, "policy", None),
    ("Operations Manager", "", "nonprofit", None, "operations", None),
    ("Recruiting Coordinator", "", "lab", None, "operations", None),
    ("Research Manager, Interpretability", "", "lab", None, "management", None),
    ("Engineering Manager, Inference", "", "lab", None, "management", None),
    ("Head of Research", "", "nonprofit", None, "management", "research_scientist"),
    ("Account Executive, Enterprise", "", "lab", "Sales", "other", None),
    (
        "Trust & Safety Specialist",
        "Review user reports and enforce policies.",
        None,
        None,
        "other",  # trust & safety work is its own field (corpus labels)
        None,
    ),
    ("Policy Enforcement Analyst", "", "lab", "Trust & Safety", "other", None),
    ("Privacy Counsel", "", "lab", None, "operations", None),  # legal: GUIDELINE.md
    ("Data Scientist, Marketing", "", "lab", None, "other", None),
    ("We're hiring a research engineer!", "", None, None, "research_engineer", None),
    ("Grants Associate", "", "funder", None, "operations", None),
    ("Executive Assistant to the CEO", "", "lab", None, "operations", None),
    ("Zzzz qqqq", "", None, None, "other", None),
    # Decisions taken once (corpus GUIDELINE.md): a PhD or postdoc fellowship is graduate
    # study; a Fellow with a season is a program; compliance and PR are operations.
    ("PhD Fellowship in Interpretability", "", "academic", None, "phd_or_postdoc", None),
    ("Postdoctoral Fellowship - Alignment", "", None, None, "phd_or_postdoc", None),
    ("Governance Fellow (Winter 2027)", "", "nonprofit", None, "fellowship", None),
    ("Intro Fellowship: Technical Track", "", None, None, "course", None),
    ("Security Compliance Specialist", "", "lab", None, "operations", None),
    ("Public Relations Lead", "", "lab", None, "operations", None),
    ("AI Strategist", "", "nonprofit", None, "policy", None),
    ("Software Engineer, ML Research", "", "lab", None, "research_engineer", None),
    # The title's head decides: the program it serves is its team.
    ("Principal Investigator - Residency Program", "", "lab", None, "research_scientist", None),
    # The guideline's functions in the words of many employers, not one board's.
    ("Talent Acquisition Partner", "", None, None, "operations", None),
    ("Total Rewards Partner", "", None, None, "operations", None),
    ("FP&A Manager", "", None, None, "operations", None),
    ("Accounts Payable Specialist", "", None, None, "operations", None),
    ("Social Media Manager", "", None, None, "operations", None),
    ("Fundraising Manager", "", None, None, "operations", None),
    ("Podcast Producer", "", None, None, "operations", None),
    ("Special Assistant to the Director", "", None, None, "operations", None),
    ("Grants Program Officer", "", "funder", None, "operations", None),
    ("General Counsel", "", None, None, "management", None),
    ("Technical Program Manager, Security", "", "lab", None, "management", "operations"),
    ("Customer Support Representative", "", None, None, "other", None),
    ("Partner Manager", "", None, None, "other", None),
    ("Sales Operations Analyst", "", None, None, "other", None),
    ("Growth Manager", "", None, None, "other", None),
    ("User Researcher", "", None, None, "other", None),
    # Programs: a reading group, an intro program, "Intro to X" are courses; a policy
    # fellowship is a fellowship; scholarships, contests and regranting are grants.
    ("AI Safety Fellowship (Alignment reading group, Spring)", "", None, None, "course", None),
    ("Introductory AI Alignment Fellowship", "", None, None, "course", None),
    ("Intro to ML Safety", "", None, None, "course", None),
    ("AI Policy Fellowship", "", "nonprofit", None, "fellowship", None),
    ("Scholarship for AI Safety Students", "", None, None, "grant", None),
    ("Essay Competition on AI Risk", "", None, None, "grant", None),
    ("Regranting Program", "", "funder", None, "grant", None),
    ("Post-bacc Research Program in AI Evaluation", "", "government", None, "internship", None),
    ("Summer Research Programme in AI Safety", "", None, None, "fellowship", None),
    ("Interpretability Training Programme", "", None, None, "course", None),
    ("Data Protection Officer", "", None, None, "operations", None),
    ("Implementation Manager", "", None, None, "other", None),
    # "Research Fellow" or "Research Scholar" alone: the body decides between a program
    # and a staff post.
    *(
        (title, body, org_type, None, role, None)
        for title in ("Research Fellow", "Research Scholar")
        for body, org_type, role in (
            (
                "A three-month program: each fellow joins a cohort, works with a mentor and "
                "receives a stipend.",
                None,
                "fellowship",
            ),
            (
                "A permanent research post: set a research agenda and publish in "
                "peer-reviewed publications.",
                "academic",
                "research_scientist",
            ),
        )
    ),
    ("Research Fellow / Senior Fellow, AI", "", "nonprofit", None, "research_scientist", None),
    # "Policy Fellow" likewise: a program's fellow or a think tank's staff; a "Senior Policy
    # Fellow" is staff.
    (
        "Policy Fellow",
        "A one-year fellowship placing technologists in government offices; fellows join a "
        "cohort and receive a stipend.",
        "nonprofit",
        None,
        "fellowship",
        None,
    ),
    (
        "Policy Fellow",
        "A permanent role at our think tank: write policy briefs on AI regulation and brief "
        "policymakers and legislators.",
        "nonprofit",
        None,
        "policy",
        None,
    ),
    ("Senior Policy Fellow", "", "nonprofit", None, "policy", None),
    # A program's staff are operations (GUIDELINE: they run it), its head management; a
    # course's facilitator or teaching assistant too; talent functions in other words.
    ("Fellowship Program Manager", "", "nonprofit", None, "operations", None),
    ("Residency Program Coordinator", "", "lab", None, "operations", None),
    ("Course Facilitator", "", None, None, "operations", None),
    ("Facilitator, AI Governance Course", "", None, None, "operations", "course"),
    ("Teaching Assistant", "", None, None, "operations", None),
    ("Head of Fellowships", "", "nonprofit", None, "management", None),
    ("Talent Development Lead", "", "nonprofit", None, "operations", None),
    ("Research Programme Manager", "", "government", None, "management", "operations"),
    # An undergraduate's research position is a student's (a mentored program stays one).
    ("Undergraduate Research Assistant", "", "academic", None, "internship", None),
    # A product manager of a team is product management (other), not a manager of it.
    ("Product Manager, Safety", "", "lab", None, "other", None),
    # Titles of the field in other words: an apprenticeship is a newcomer's paid training
    # (internship); a graduate assistantship a funded place in graduate study; organisers
    # build a community (operations); a technical advisor advises on policy.
    ("Research Apprenticeship", "", "nonprofit", None, "internship", None),
    ("Graduate Research Assistant", "", "academic", None, "phd_or_postdoc", None),
    ("University Group Organiser", "", "nonprofit", None, "operations", None),
    ("Technical Advisor, AI Security", "", "government", None, "policy", None),
    # ...but a company's technical advisor who builds a platform engineers: the body decides
    (
        "Technical Advisor, ML Platform",
        "You will design and build backend services and distributed systems in Python "
        "and Go, own our ML platform and mentor software engineers.",
        "company",
        None,
        "software_engineer",
        "policy",
    ),
    # A taxonomy entry counts once per field: a list of venues is one cue of research
    # writing, not five against the implementation the duties describe.
    (
        "Member of Technical Staff",
        "You will implement research ideas and run experiments with our researchers. "
        "Papers at NeurIPS, ICML, ICLR, ACL or EMNLP are a plus.",
        "lab",
        None,
        "research_engineer",
        None,
    ),
]


@pytest.mark.parametrize(
    ("title", "body", "org_type", "department", "role", "secondary"), ROLE_CASES
)
def test_roles(
    title: str,
    body: str,
    org_type: str | None,
    department: str | None,
    role: str,
    secondary: str | None,
) -> None:
    result = classify(title=title, description_text=body, org_type=org_type, department=department)
    assert result.role == role, result.evidence
    assert result.roles[0].role == role
    if secondary:
        assert secondary in [r.role for r in result.roles[1:]], result.roles


# Generic titles whose short body decides (GUIDELINE "Roles"; domain.md 2): written here,
# as a job board's 400-640 character summary would put them, with no organisation named
# (a new employer's). (title, body, primary role, acceptable second reading or "").
GENERIC_TITLE_CASES = [
    (
        "Researcher",
        (
            "You will set the direction of your own research on how language models "
            "generalise, design experiments, and write papers for top venues. A track record "
            "of publications is expected."
        ),
        "research_scientist",
        "research_engineer",
    ),
    (
        "Researcher",
        (
            "You will implement ideas from the team's researchers, build and run large "
            "experiments, and keep our training code fast and reliable. Strong Python and "
            "PyTorch; no PhD required."
        ),
        "research_engineer",
        "research_scientist",
    ),
    (
        "Member of Technical Staff",
        (
            "Build the harness our researchers use to evaluate frontier models: write "
            "evaluation pipelines, run experiments at scale and turn research prototypes into "
            "reliable tools."
        ),
        "research_engineer",
        "research_scientist",
    ),
    (
        "Member of Technical Staff",
        (
            "Own backend services and the web application our users rely on. You will design "
            "APIs, run databases and keep production systems reliable. No machine learning "
            "experience needed."
        ),
        "software_engineer",
        "",
    ),
    (
        "Research Fellow",
        (
            "A full-time, salaried position in our research team. You will lead projects on "
            "the governance of advanced AI, publish reports and papers, and advise senior "
            "staff. Permanent contract, pension."
        ),
        "research_scientist",
        "policy",
    ),
    (
        "Research Fellow",
        (
            "A 12-week program: fellows join a cohort, work with a mentor on an alignment "
            "project and receive a stipend and housing. Open to students and early-career "
            "researchers."
        ),
        "fellowship",
        "internship",
    ),
    (
        "Fellow",
        (
            "Join a ten-week summer cohort. Each fellow is paired with a mentor, receives a "
            "stipend, and presents a research project at the end of the program."
        ),
        "fellowship",
        "",
    ),
    (
        "Associate",
        (
            "Support our operations team: coordinate recruiting, plan events, process "
            "invoices and keep our office running smoothly. Excellent organisation skills."
        ),
        "operations",
        "",
    ),
    (
        "Associate",
        (
            "Conduct policy research on the governance of frontier AI, draft briefs for "
            "policymakers and track legislation in the US and EU."
        ),
        "policy",
        "",
    ),
    (
        "Analyst",
        (
            "Build dashboards and analyse product usage data with SQL to help our business "
            "teams make decisions."
        ),
        "other",
        "",
    ),
    (
        "Analyst",
        (
            "Research compute governance and export controls, and write memos that inform "
            "government decision-makers on AI."
        ),
        "policy",
        "",
    ),
    (
        "Manager",
        (
            "Lead a team of research engineers: hire, run one-on-ones and performance "
            "reviews, and set priorities with the research leads."
        ),
        "management",
        "",
    ),
    (
        "Specialist",
        (
            "Own our recruiting pipeline: source candidates, schedule interviews and improve "
            "the candidate experience."
        ),
        "operations",
        "",
    ),
    (
        "Specialist",
        (
            "Design evaluations of frontier models' dangerous capabilities and implement the "
            "evaluation pipelines in Python. You will run experiments and report results to "
            "researchers."
        ),
        "research_engineer",
        "research_scientist",
    ),
    (
        "Summer 2027 Cohort",
        (
            "A 10-week mentored research program for students: scholars work with a mentor on "
            "an AI safety project, with a stipend and compute provided."
        ),
        "fellowship",
        "internship",
    ),
    (
        "Technical AI Safety Intensive",
        (
            "A hands-on curriculum: participants will learn to implement transformers and "
            "work through coding exercises on interpretability, in weekly sessions."
        ),
        "course",
        "",
    ),
    (
        "Open Round 2027",
        (
            "We fund individuals and projects working to reduce risks from advanced AI. "
            "Grants range from $5k to $100k; apply for funding on a rolling basis."
        ),
        "grant",
        "",
    ),
    (
        "Research Associate",
        (
            "A fixed-term postdoctoral appointment in the group led by Professor Smith at the "
            "university, working on interpretability. You hold a PhD in computer science."
        ),
        "phd_or_postdoc",
        "research_scientist",
    ),
    (
        "Engineer",
        (
            "Implement and run ML experiments alongside our researchers, and scale up "
            "training on our cluster. Strong PyTorch."
        ),
        "research_engineer",
        "software_engineer",
    ),
    (
        "Engineer",
        (
            "Build the web platform and backend APIs our users interact with; production "
            "code, code reviews and on-call."
        ),
        "software_engineer",
        "",
    ),
    (
        "Generalist",
        (
            "Keep the organisation running: operations, logistics, vendor contracts and "
            "onboarding of new staff."
        ),
        "operations",
        "",
    ),
    (
        "Writer",
        (
            "Write and edit blog posts, newsletters and social media content explaining our "
            "research to the public."
        ),
        "operations",
        "",
    ),
    (
        "Director",
        (
            "Lead our finance and people functions, manage a team of five and report to the "
            "executive director."
        ),
        "management",
        "operations",
    ),
    (
        "Scholar",
        (
            "Scholars join a cohort for three months, receive mentorship from senior "
            "researchers and a stipend."
        ),
        "fellowship",
        "",
    ),
    (
        "Lead",
        (
            "Manage a team of researchers working on evaluations, with direct reports and "
            "hiring responsibility."
        ),
        "management",
        "research_scientist",
    ),
    (
        "PhD Fellowship in Interpretability",
        (
            "A fully funded PhD position: tuition and a stipend for four years, supervised by "
            "Professor Jones."
        ),
        "phd_or_postdoc",
        "",
    ),
    (
        "Staff Researcher",
        (
            "Lead research projects of your own on AI alignment, set the agenda of a small "
            "team and publish."
        ),
        "research_scientist",
        "research_engineer",
    ),
    (
        "Technical Staff, Alignment",
        (
            "Implement research ideas and run experiments on reward models with our "
            "researchers; fast prototyping in PyTorch."
        ),
        "research_engineer",
        "research_scientist",
    ),
    (
        "AI Safety Researcher",
        (
            "Design experiments that probe models for deception, write up results as papers, "
            "and propose new research directions."
        ),
        "research_scientist",
        "research_engineer",
    ),
    (
        "Consultant",
        (
            "Advise government clients on AI regulation and governance frameworks; draft "
            "policy recommendations."
        ),
        "policy",
        "",
    ),
    (
        "Coordinator",
        (
            "Coordinate logistics for our workshops: travel, venues, scheduling and "
            "participant communications."
        ),
        "operations",
        "",
    ),
    (
        "Project Lead",
        (
            "Manage the project's timeline and budget, coordinate a team of contractors and "
            "report to funders."
        ),
        "management",
        "operations",
    ),
    (
        "Program Officer, AI Governance",
        (
            "Evaluate grant applications, build relationships with grantees and recommend "
            "funding decisions for our AI governance portfolio."
        ),
        "operations",
        "policy",
    ),
    (
        "Chief of Staff",
        (
            "Work with the executive director on priorities, run internal operations and "
            "coordinate across teams."
        ),
        "operations",
        "management",
    ),
    (
        "Technical Advisor",
        (
            "Advise government officials on AI legislation and standards; translate technical "
            "research for policymakers."
        ),
        "policy",
        "",
    ),
    (
        "Economist",
        (
            "Study the economic impacts of transformative AI, build models of labour markets "
            "and publish research."
        ),
        "research_scientist",
        "policy",
    ),
    (
        "Data Scientist",
        ("Analyse product metrics, run A/B tests and build dashboards for our growth team."),
        "other",
        "",
    ),
    (
        "Member of Technical Staff - Research",
        (
            "Propose and lead research projects on scalable oversight, publish papers and "
            "mentor junior researchers."
        ),
        "research_scientist",
        "research_engineer",
    ),
    (
        "AI Safety Fellow",
        (
            "A six-month, full-time fellowship with a stipend, mentorship from our "
            "researchers and a cohort of peers."
        ),
        "fellowship",
        "",
    ),
    (
        "Software Engineer, Research Tools",
        (
            "Build tooling for our researchers: experiment dashboards, data pipelines and "
            "internal web apps."
        ),
        "software_engineer",
        "research_engineer",
    ),
    (
        "Research Manager",
        (
            "Support a group of researchers: manage projects, run one-on-ones and help set "
            "research priorities."
        ),
        "management",
        "",
    ),
    (
        "Operations Manager",
        ("Run finance, HR and logistics for a small team."),
        "operations",
        "management",
    ),
    (
        "Assistant Professor, Machine Learning",
        ("Tenure-track faculty position in the department of computer science."),
        "research_scientist",
        "phd_or_postdoc",
    ),
    (
        "Policy Fellow",
        (
            "A one-year, full-time fellowship placing fellows in congressional offices with "
            "training and mentorship; a stipend is provided."
        ),
        "fellowship",
        "policy",
    ),
    (
        "Policy Fellow",
        (
            "A permanent staff role: lead our analysis of compute governance, write reports "
            "and brief legislators."
        ),
        "policy",
        "",
    ),
    (
        "Member of Technical Staff",
        (
            "Build infrastructure for training and evaluating models: distributed training, "
            "data pipelines and research tooling."
        ),
        "research_engineer",
        "software_engineer",
    ),
]


@pytest.mark.parametrize(("title", "body", "role", "second"), GENERIC_TITLE_CASES)
def test_a_generic_title_is_decided_by_its_body(
    title: str, body: str, role: str, second: str
) -> None:
    result = classify(title=title, description_text=body)
    assert result.role in {role, second} - {""}, (result.roles, result.evidence)


def test_confidences_are_ordered_and_bounded() -> None:
    result = classify(title="Researcher", description_text="Run experiments and publish.")
    confidences = [r.confidence for r in result.roles]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0 < c <= 1 for c in confidences)
    assert len({r.role for r in result.roles}) == len(result.roles)


# -- skills -------------------------------------------------------------------------------

SKILL_CASES = [
    ("Experience with Python, Rust or Go.", {"python", "rust", "go"}, set()),
    ("Backend in Go/Python; Golang services.", {"go", "python"}, set()),
    ("Own our go-to-market motion and go above and beyond.", set(), {"go"}),
    ("Ready to go, we go live in May.", set(), {"go"}),
    ("Quality control of shipments.", set(), {"ai_control"}),
    ("We work on AI control and trusted monitoring.", {"ai_control"}, set()),
    ("We evaluate candidates fairly.", set(), {"evals"}),
    ("Build dangerous capability evals for frontier models.", {"evals"}, set()),
    ("Train sparse autoencoders on model internals.", {"interpretability"}, set()),
    ("Rust belt manufacturing.", set(), {"rust"}),
    ("Jailbreaks and red-teaming of LLMs.", {"red_teaming", "llms"}, set()),
    (
        "RLHF and reward modeling with PyTorch and JAX.",
        {"rlhf_reward_learning", "pytorch", "jax"},
        set(),
    ),
    ("Kubernetes (k8s) on AWS; Terraform.", {"kubernetes"}, set()),
    (
        "Scalable oversight via debate and weak-to-strong generalization.",
        {"scalable_oversight"},
        set(),
    ),
    ("Mechanistic interpretability research.", {"interpretability"}, set()),
    # robustness of a system in general is not adversarial robustness of models
    ("Improve the throughput and robustness of our systems.", set(), {"adversarial_robustness"}),
    ("Study model robustness to adversarial inputs.", {"adversarial_robustness"}, set()),
    ("Lead a full-stack mitigation strategy.", set(), {"frontend"}),
    ("Full-stack engineering in TypeScript.", {"frontend", "typescript"}, set()),
    # inverse reinforcement learning learns a reward: reward learning, not RL as a tool
    (
        "Research on inverse reinforcement learning from demonstrations.",
        {"rlhf_reward_learning"},
        {"reinforcement_learning"},
    ),
    ("Track AI trends and write about futurism.", {"forecasting"}, set()),
    ("Stress-test AI systems and design attacks on LLMs.", {"red_teaming"}, set()),
    ("Develop methods for breaking LLM systems.", {"red_teaming"}, set()),
    # a bank's stress testing of its risk models, a pentester's methods: not red teaming
    ("You will own model stress testing for our capital plan.", set(), {"red_teaming"}),
    ("Build stress testing models for credit portfolios.", set(), {"red_teaming"}),
    ("Apply current attack methodologies on client networks.", set(), {"red_teaming"}),
    ("Operate services on Kubernetes.", {"kubernetes"}, set()),
    # think tanks' words for AI policy; policy on other subjects is not AI governance
    ("Research the policy and governance of frontier models.", {"ai_governance"}, set()),
    ("Analyse the national security implications of AI.", {"ai_governance"}, set()),
    ("Brief policymakers on AI and write for policy-making audiences.", {"ai_governance"}, set()),
    ("Write about the policy implications of housing reform.", set(), {"ai_governance"}),
    # weapons of mass destruction are CBRN, "and/or" lists name their languages
    ("Assess model knowledge relevant to chemical weapons.", {"cbrn_cyber_evals"}, set()),
    ("Experience with React, TypeScript, and/or Go.", {"go", "typescript"}, set()),
    # short summaries' words for ML infrastructure and evaluations
    (
        "Maintain infrastructure for training and fine-tuning large models.",
        {"ml_infrastructure"},
        set(),
    ),
    ("Build tooling around our evaluation algorithms.", {"evals"}, set()),
    # rating what a model wrote is annotation, and eliciting preferences is not evals
    ("Rate and evaluate AI-generated outputs for policy compliance.", set(), {"evals"}),
    ("Evaluate AI model outputs against our content guidelines.", set(), {"evals"}),
    ("Evaluate AI systems for dangerous capabilities.", {"evals"}, set()),
    ("Debate offers elicitation of human preferences at scale.", set(), {"evals"}),
    ("Capability elicitation on frontier models.", {"evals"}, set()),
    # a cloud provider named among others is not the orchestration skill
    ("Experience with cloud platforms (AWS, GCP or similar) and Docker.", set(), {"kubernetes"}),
]


@pytest.mark.parametrize(("body", "present", "absent"), SKILL_CASES)
def test_skills(body: str, present: set[str], absent: set[str]) -> None:
    skills = set(classify(title="Engineer", description_text=body).skills)
    assert present <= skills
    assert not (absent & skills)


def test_skill_names_are_taxonomy_names() -> None:
    taxonomy = load_taxonomy()
    for record in _labeled()[:40]:
        assert set(_classify(record).skills) <= set(taxonomy.skills)


# -- flags --------------------------------------------------------------------------------

FLAG_CASES = [
    # (title, body, field, expected)
    ("Senior Research Engineer", "", "seniority", "senior"),
    ("Staff Software Engineer", "", "seniority", "senior"),
    ("Junior Data Engineer", "", "seniority", "entry"),
    (
        "Research Engineer",
        "You have 5+ years of software engineering experience.",
        "seniority",
        "senior",
    ),
    ("Research Engineer", "2-4 years of relevant experience.", "seniority", "mid"),
    ("Summer Research Intern", "", "seniority", "intern"),
    ("Head of Operations", "", "seniority", "lead"),
    ("Policy Communications Manager", "", "seniority", "senior"),
    (
        "Research Scientist",
        "You may be a good fit if you have a PhD in biology. We require at least a "
        "bachelor's degree in a related field or equivalent experience.",
        "phd_required",
        "preferred",
    ),
    ("Program Manager, Compute", "", "seniority", "mid"),
    ("Research Manager, Interpretability", "", "seniority", "lead"),
    ("Research Engineer", "", "seniority", "unspecified"),
    ("Research Scientist", "PhD in machine learning or a related field.", "phd_required", "yes"),
    ("Research Scientist", "PhD or equivalent research experience.", "phd_required", "preferred"),
    ("Research Engineer", "A PhD is not required.", "phd_required", "no"),
    ("Research Engineer", "You don't need a PhD to apply.", "phd_required", "no"),
    ("Research Engineer", "", "phd_required", "unspecified"),
    (
        "Software Engineer",
        "No machine learning experience is required.",
        "ml_experience_required",
        "no",
    ),
    (
        "Research Engineer",
        "Experience with PyTorch and large language models.",
        "ml_experience_required",
        "yes",
    ),
    ("Research Engineer", "Strong ML background.", "ml_experience_required", "yes"),
    ("Engineer", "Familiarity with machine learning is a plus.", "ml_experience_required", "no"),
    ("Engineer", "Five years of relevant experience.", "seniority", "senior"),
    ("Engineer", "Minimum of 3 years of professional experience.", "seniority", "mid"),
    ("Member of Technical Staff", "", "seniority", "unspecified"),
    ("Staff Research Engineer", "", "seniority", "senior"),
]


@pytest.mark.parametrize(("title", "body", "field", "expected"), FLAG_CASES)
def test_flags(title: str, body: str, field: str, expected: str) -> None:
    result = classify(title=title, description_text=body)
    assert getattr(result, field) == expected, result.evidence_for(field)


RELEVANCE_CASES = [
    # (title, body, org, org_type, department, expected)
    ("Office Manager", "", "METR", "nonprofit", None, "adjacent"),
    ("Research Scientist", "", "Redwood Research", None, None, "core"),
    ("Recruiter", "Hire researchers.", "Apollo Research", None, None, "adjacent"),
    ("Research Engineer, Alignment", "", "Anthropic", "lab", None, "core"),
    ("Software Engineer", "Join our team.", "Anthropic", "lab", "Interpretability", "core"),
    ("Technical Program Manager, Safeguards", "", "Anthropic", "lab", None, "adjacent"),
    (
        "Software Engineer, Payments",
        "Billing systems for our API.",
        "Anthropic",
        "lab",
        None,
        "none",
    ),
    ("Account Executive", "Sell our AI models.", "Anthropic", "lab", "Sales", "none"),
    ("Machine Learning Engineer", "Train LLMs for search ranking.", "Acme", None, None, "none"),
    ("Research Engineer, AI Safety", "", "Acme", None, None, "core"),
    ("Policy Analyst, Artificial Intelligence", "", "A Think Tank", None, None, "adjacent"),
    ("Trust & Safety Specialist", "Review reports.", None, None, "Trust & Safety", "none"),
    ("Safety Officer", "Workplace health and safety inspections.", None, None, None, "none"),
    ("Warehouse Associate", "Pick and pack orders.", None, None, None, "none"),
    (
        "Applications open for MATS Winter 2027",
        "Scholars work with mentors.",
        None,
        "board",
        None,
        "core",
    ),
    ("Research Engineer", "Join Apollo Research to build evals.", None, "board", None, "core"),
    ("Nurse", "Hospital shifts.", None, "board", None, "none"),
    (  # an alignment essay names no team or employer: its vocabulary says it is on topic;
        # its role is other, which supports the work only at a known employer: core
        "What should a good penalty look like?",
        "Impact measures try to keep an agent corrigible; Goodhart's law warns that any "
        "proxy breaks, and instrumental convergence says why.",
        "A Personal Blog",
        None,
        None,
        "core",
    ),
    (  # the classic vocabulary of alignment writing, and "other" at no known employer
        "Notes on a thought experiment",
        "Would AIXI wirehead? A counterfactual oracle avoids that; specification gaming "
        "and gradient hacking are the failure modes I worry about.",
        "A Personal Blog",
        None,
        None,
        "core",
    ),
    (
        "Data Analyst",
        "Dashboards for AI alignment research teams.",
        "Anthropic",
        "lab",
        None,
        "adjacent",
    ),
    # a board's short summary states only the employer's mission
    (
        "Research Scientist",
        "A small nonprofit working to reduce risks from advanced AI.",
        "A New Institute",
        None,
        None,
        "core",
    ),
    (
        "Research Engineer",
        "Our lab works on making transformative AI go well.",  # one cue: not none
        "A New Lab",
        None,
        None,
        "adjacent",
    ),
    ("Research Fellow", "", "Institute for AI Policy and Strategy", None, None, "core"),
    (  # a research role's short summary naming a safety research area: that is the work
        "Research Scientist",
        "Study how language models represent concepts, using interpretability.",
        None,
        None,
        None,
        "core",
    ),
    (  # safeguards against misuse of AI: at a lab, adjacent (never none)
        "Research Engineer, Cyber",
        "Build classifiers to prevent cyber misuse of our models; implement safeguards.",
        "OpenAI",
        "lab",
        None,
        "adjacent",
    ),
]


@pytest.mark.parametrize(
    ("title", "body", "org", "org_type", "department", "expected"), RELEVANCE_CASES
)
def test_safety_relevance(
    title: str,
    body: str,
    org: str | None,
    org_type: str | None,
    department: str | None,
    expected: str,
) -> None:
    """Employer, team and role decide (corpus GUIDELINE.md); "AI" alone is not enough."""
    result = classify(
        title=title, description_text=body, org=org, org_type=org_type, department=department
    )
    assert result.safety_relevance == expected, result.evidence_for("safety_relevance")


# Sentences from other fields that share a word with AI safety: never core or adjacent.
NOT_SAFETY_CASES = [
    # (title, body, org, org_type)
    # one phrase of a safety research area in a short text, outside a research role
    (
        "Controls Engineer",
        "Design vehicle subsystems to SAE standards and apply modern control techniques.",
        None,
        None,
    ),
    ("Quantum Hardware Engineer", "Characterise superposition in our qubit devices.", None, None),
    ("Backend Engineer", "Our founders built Grok at xAI. Build payment APIs in Go.", None, None),
    (
        "Credit Risk Analyst",
        "Validate scoring models at a retail bank and report model interpretability with SHAP.",
        None,
        None,
    ),
    ("Building Technician", "Tune control settings and PID loops for HVAC systems.", None, None),
    # "robust AI models" is every ML team's goal, not a mission of safe AI
    (
        "Machine Learning Engineer",
        "Build robust AI models for fraud detection at our bank.",
        None,
        None,
    ),
    ("Data Engineer", "We build robust LLM applications for marketing teams.", None, None),
    # threats from AI-made attacks are a security vendor's subject, not risks from AI
    (
        "Security Analyst",
        "Defend our clients from threats of AI-generated phishing and risks from AI-enabled fraud.",
        None,
        None,
    ),
    # a mission read from the body makes support roles adjacent only at an employer known
    # by nothing else; this one has a type from its source
    (
        "Operations Manager",
        "We build trustworthy AI systems for marketing teams.",
        "Acme Analytics",
        "company",
    ),
    # an unknown employer's "our customers" makes it an AI company only if it is about AI
    (
        "Application Security Engineer",
        "Protect our customers' accounts at a retail bank; run code reviews and threat modelling.",
        None,
        None,
    ),
]


@pytest.mark.parametrize(("title", "body", "org", "org_type"), NOT_SAFETY_CASES)
def test_other_fields_words_are_not_safety(
    title: str, body: str, org: str | None, org_type: str | None
) -> None:
    result = classify(title=title, description_text=body, org=org, org_type=org_type)
    assert result.safety_relevance == "none", result.evidence_for("safety_relevance")


def test_trust_and_safety_is_never_core_on_the_word_safety() -> None:
    for title in ("Trust & Safety Lead", "Trust and Safety Policy Manager", "Safety Specialist"):
        result = classify(
            title=title,
            description_text="Keep users safe. Safety is our priority. Enforce safety policies.",
            department="Trust & Safety",
        )
        assert result.safety_relevance != "core"


# -- evidence and output ----------------------------------------------------------------


def test_every_label_has_evidence() -> None:
    for record in _labeled():
        result = _classify(record)
        for role in result.roles:
            assert result.evidence_for("role", role.role), (record["id"], role)
        for skill in result.skills:
            assert result.evidence_for("skill", skill), (record["id"], skill)
        for label in ("seniority", "phd_required", "ml_experience_required", "safety_relevance"):
            value = getattr(result, label)
            assert result.evidence_for(label, value), (record["id"], label)


def test_evidence_names_the_field_and_phrase() -> None:
    result = classify(
        title="Research Engineer",
        description_text="We use JAX.",
        department="Interpretability",
    )
    (role,) = result.evidence_for("role", "research_engineer")[:1]
    assert (role.field, role.phrase) == ("title", "research engineer")
    (jax,) = result.evidence_for("skill", "jax")
    assert (jax.field, jax.phrase) == ("body", "jax")
    (interp,) = result.evidence_for("skill", "interpretability")
    assert interp.field == "department"


def test_to_dict_is_json_serializable() -> None:
    result = classify(title="Research Engineer", description_text="PyTorch. 3+ years.")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["role"] == "research_engineer"
    assert data["roles"][0]["role"] == "research_engineer"
    assert data["taxonomy_version"] == load_taxonomy().version
    assert {"label", "value", "field", "phrase"} <= set(data["evidence"][0])


# -- accuracy floors on the labeled set (targets are in bench/classify.py) ----------------


def test_labeled_set_shape() -> None:
    records = _labeled()
    taxonomy = load_taxonomy()
    assert len(records) >= 150
    assert sum(r["hard"] for r in records) >= len(records) / 3
    assert len({r["id"] for r in records}) == len(records)
    for record in records:
        assert record["expected_role"] in taxonomy.roles
        assert set(record.get("acceptable_roles", [])) <= set(taxonomy.roles)
        assert set(record["expected_skills"]) <= set(taxonomy.skills), record["id"]


def test_accuracy_floors() -> None:
    right = tp = fp = fn = 0
    records = _labeled()
    for record in records:
        result = _classify(record)
        right += result.role in [record["expected_role"], *record.get("acceptable_roles", [])]
        got, gold = set(result.skills), set(record["expected_skills"])
        tp, fp, fn = tp + len(got & gold), fp + len(got - gold), fn + len(gold - got)
    assert right / len(records) >= 0.9
    assert tp / (tp + fp) >= 0.85
    assert tp / (tp + fn) >= 0.75


# -- robustness ---------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.text(max_size=300),
    body=st.text(max_size=3000),
    department=st.none() | st.text(max_size=100),
    org_type=st.none() | st.text(max_size=30),
    employment_type=st.none() | st.text(max_size=30),
    org=st.none() | st.text(max_size=100),
)
def test_never_raises_on_arbitrary_text(
    title: str,
    body: str,
    department: str | None,
    org_type: str | None,
    employment_type: str | None,
    org: str | None,
) -> None:
    result = classify(
        title=title,
        description_text=body,
        department=department,
        org_type=org_type,
        employment_type=employment_type,
        org=org,
    )
    assert result.role in load_taxonomy().roles
    assert result.seniority in SENIORITY_LEVELS
    assert result.phd_required in PHD_VALUES
    assert result.ml_experience_required in ML_VALUES
    assert result.safety_relevance in RELEVANCE_VALUES


def test_hostile_input_is_bounded() -> None:
    huge = "interpretability " * 200_000 + "(" * 10_000 + "\x00\ufffd" * 1000
    result = classify(title="Research Engineer " * 1000, description_text=huge, org="x" * 10**5)
    assert result.role == "research_engineer"
    assert "interpretability" in result.skills


BOILERPLATE = """About the role
You will sell our API to enterprise customers and exceed your quota.

How we're different
We are one team placing a handful of big research bets. The easiest way to understand
our research directions is to skim our papers. This research continues many of the
directions our team worked on earlier: interpretability of circuits, scaling behaviour,
open problems in AI safety and reward learning from human feedback.

We are an equal opportunity employer and value diversity."""


def test_employer_boilerplate_is_not_classified() -> None:
    result = classify(
        title="Account Executive", description_text=BOILERPLATE, org_type="lab", department="Sales"
    )
    assert result.role == "other"
    assert result.skills == []
    assert result.safety_relevance == "none"  # sales at a lab
    real = classify(
        title="Research Engineer",
        description_text=BOILERPLATE.replace("sell our API", "train sparse autoencoders for"),
        org_type="lab",
    )
    assert real.skills == ["interpretability"]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("5+ years of software engineering.", "senior"),
        ("3 years of Python development", "mid"),
        ("2 years of Python development", "entry"),
        ("five years of backend engineering", "senior"),
        ("The lab was founded 10 years ago.", "unspecified"),
        ("a 2 year program in engineering", "unspecified"),
        # requirements as organisations write them; a bare duration states nothing
        ("Ideally you bring 6+ years in infrastructure work.", "senior"),
        ("Substantial background (usually 5+ years) in incident response.", "senior"),
        ("You have 7 years of hands-on B2B platform experience.", "senior"),
        ("We look for 3-4 years' professional experience.", "mid"),
        ("You have spent 3 years working as an analyst.", "mid"),
        ("At least 6 years in applied cryptography.", "senior"),
        ("2+ years in a support or operations team.", "entry"),
        ("1-3 years of experience with Python.", "entry"),
        ("Around 2-4 years of relevant experience.", "mid"),
        ("Our institute has grown quickly over the past four years.", "unspecified"),
        ("The appointment is for 3 years in the first instance.", "unspecified"),
        ("It was offered as a two year secondment.", "unspecified"),
        ("You bring at least three years in a research team.", "mid"),
        ("A minimum of five years as a backend developer.", "senior"),
        ("You have five-plus years of professional experience.", "senior"),
        ("Ideal for people early in their career.", "entry"),
        ("This is a senior-level role in a small team.", "senior"),
        ("Grade: HEO. The team sits in the department.", "mid"),
        # more ways of stating years: word ranges, a digit in brackets, "over", "several"
        ("You have three to five years of policy experience.", "mid"),
        ("You bring two to four years of relevant experience.", "mid"),
        ("At least five (5) years of relevant experience.", "senior"),
        ("Over 7 years working in software development.", "senior"),
        ("More than four years as a data engineer.", "mid"),
        ("Funded for 2-3 years in the first instance.", "unspecified"),
        ("Acme has over 20 years in the industry.", "unspecified"),
        ("You have several years of experience in ML research.", "mid"),
        # "at a senior level" is more often whom the role works with than its level
        ("You brief stakeholders at a senior level.", "unspecified"),
        ("The fund ran for over two years before closing.", "unspecified"),
        ("Our firm draws on over 40 years of history.", "unspecified"),
        # "N years minimum", "in a similar role", a lawyer's post-qualification experience
        ("Experience: 5 years minimum in a research role.", "senior"),
        ("You bring 3 years in a similar role.", "mid"),
        ("At least two years in a comparable position.", "entry"),
        ("A solicitor with 6 years PQE.", "senior"),
        ("The society has run for 10 years in a related field.", "unspecified"),
    ],
)
def test_years_of_engineering_set_seniority(text: str, level: str) -> None:
    assert classify(title="Software Engineer", description_text=text).seniority == level


@pytest.mark.parametrize(
    ("text", "phd"),
    [
        ("You hold a PhD (or equivalent experience) in statistics.", "preferred"),
        ("A PhD in economics, or has equivalent research experience.", "preferred"),
        ("A Master's/PhD in computer science.", "preferred"),
        ("Currently pursuing a graduate degree (MS/PhD).", "preferred"),
        ("We don't require formal qualifications or degrees.", "no"),
        ("We do not require a degree.", "no"),
        ("You must hold a PhD in chemistry.", "yes"),
        # "explicitly not needed", in the forms employers write it
        ("You don't need a PhD to do well here.", "no"),
        ("A PhD is not necessary for this position.", "no"),
        ("No formal qualifications are required.", "no"),
        ("We hire regardless of academic background.", "no"),
        ("No prior research experience required.", "no"),
        ("Applicants need not have: - every listed skill - a degree", "no"),
        ("Anyone is welcome to apply, whatever their field.", "no"),
        ("No technical background is required.", "no"),
        ("No prior experience is needed.", "no"),
        ("A PhD in ML is required; no AI safety experience is needed.", "yes"),
        ("There is no requirement to have a PhD.", "no"),
        ("We do not require candidates to have a PhD.", "no"),
        ("You don't need formal ML training or a PhD.", "no"),
        ("Past participants ranged from undergraduates to professors.", "no"),
        ("Undergraduates are welcome to apply.", "no"),
        ("Either undergrad or grad students may join.", "no"),
        ("No prior experience with Kubernetes is required.", "unspecified"),
        ("You will teach undergraduate or graduate courses.", "unspecified"),
        # a PhD as one way in
        ("A PhD in physics or a related field is a plus.", "preferred"),
        ("PhD strongly preferred.", "preferred"),
        ("Nice to have: a PhD in statistics", "preferred"),
        ("Advanced degree in computer science preferred.", "preferred"),
        ("An M.Sc. or Ph.D. in mathematics.", "preferred"),
        ("A PhD or relevant industry experience.", "preferred"),
        # one PhD atom for every phrase: "DPhil", "doctoral degree", "Ph.D."
        ("You hold a DPhil in computer science.", "yes"),
        ("A doctoral degree is not required for this role.", "no"),
        ("Master's or DPhil in physics.", "preferred"),
        ("An MSc / Ph.D. in mathematics.", "preferred"),
        ("A PhD is not a prerequisite.", "no"),
        ("No academic background is essential.", "no"),
        # more ways of saying none is needed
        ("You don't need any prior research experience.", "no"),
        ("There is no need for a PhD.", "no"),
        ("We don't expect applicants to have a PhD.", "no"),
        ("The program is open to students and professionals.", "no"),
        ("Students and early-career professionals are welcome.", "no"),
        ("We expect applicants to write strong Python.", "unspecified"),
        ("We are open to anyone excited about alignment.", "unspecified"),
        # a postdoc's bar: the PhD awarded or nearly so
        ("A PhD (awarded or near completion) in economics.", "yes"),
        ("Applicants with (or close to the completion of) a doctorate.", "yes"),
        ("Applicants near completion of a PhD may apply.", "yes"),
        ("Candidates nearing completion of their PhD may apply.", "yes"),
        ("The project is near completion and needs help.", "unspecified"),
    ],
)
def test_phd_as_postings_state_it(text: str, phd: str) -> None:
    """ "PhD or equivalent experience" is preferred: the corpus labels it so 7 of 7."""
    assert classify(title="Scientist", description_text=text).phd_required == phd


def test_an_internship_for_phd_students_needs_one() -> None:
    assert classify(title="PhD Research Intern, Robotics").phd_required == "yes"
    assert classify(title="Research Intern, Robotics").phd_required == "unspecified"


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("Interpretability Lead", "lead"),
        ("Growth Lead, Europe", "lead"),
        ("Software Engineer (Platform Lead)", "lead"),
        ("Support Team Lead", "senior"),
        ("Lead, Model Policy", "senior"),
        ("Research Associate, Compute Governance", "entry"),
        ("Associate Director, Programs", "lead"),
        ("Research Assistants for an Alignment Project", "entry"),
        ("PhD Research Fellow, Evaluations", "entry"),
        ("Summer Associate, Technology Policy", "intern"),
        ("Machine Learning Engineer II", "mid"),
        ("Research Scientist III, Evaluations", "senior"),
        ("Experienced Data Engineer", "mid"),
        ("Co-Lead Author, Policy Review", "unspecified"),
        ("Head, Compute Policy", "lead"),
        ("Snr Research Engineer", "senior"),
        # level codes of engineering ladders and UN-style grades, not support tiers
        ("Software Engineer (L4)", "mid"),
        ("Backend Engineer, L5", "senior"),
        ("Research Engineer L3", "entry"),
        ("Platform Engineer (L7)", "lead"),
        ("Research Scientist - IC3", "mid"),
        ("ML Engineer (IC4)", "senior"),
        ("Data Engineer IC-2", "entry"),
        ("Programme Officer (P-3)", "mid"),
        ("Policy Analyst P2", "entry"),
        ("L2/L3 Support Engineer", "unspecified"),
        # support tiers, network layers and incident priorities are not rungs
        ("Engineer (P1 incidents)", "unspecified"),
        ("Infrastructure Engineer, L7 Support", "unspecified"),
        ("Network Engineer, L4/L7 load balancing", "unspecified"),
        ("Network Engineer (L2-L3)", "unspecified"),
        ("Tier 2/L3 Engineer", "unspecified"),
        ("Software Engineer, L3 Networking", "unspecified"),
        ("Economist (P4)", "senior"),
        # a level word beats the level a function noun implies
        ("Associate Product Manager", "entry"),
        ("Junior Project Manager", "entry"),
        ("Senior Program Manager", "senior"),
        ("Sr. Research Engineer", "senior"),
        ("Research Engineer (Mid-level)", "mid"),
        # a grade whose name holds a level word states its own level
        ("Senior Executive Officer, Digital Policy", "mid"),
        ("Higher Executive Officer (HEO), Data", "mid"),
        ("Senior Policy Adviser", "senior"),
    ],
)
def test_title_levels(title: str, level: str) -> None:
    assert classify(title=title).seniority == level


def test_a_nested_level_word_is_a_whole_word_of_the_longer_phrase() -> None:
    from aggregator.normalize.flags import _has_words

    assert _has_words("senior executive officer", "senior")
    assert not _has_words("iii", "ii")  # "Engineer II/III" names two levels
    assert not _has_words("leads", "lead")


@pytest.mark.parametrize(
    ("title", "text", "level"),
    [
        ("(Senior) Data Scientist (m/f/d)", "You bring 3+ years in analytics.", "mid"),
        ("Senior Data Scientist", "You bring 3+ years in analytics.", "senior"),
        ("Policy Fellowship", "We place mid- to late-career engineers in agencies.", "senior"),
        ("Visiting Fellow", "Open to mid-career professionals.", "mid"),
        ("Visiting Fellow", "We seek a mid-career or senior scholar.", "senior"),
        ("Reading Programme", "Open to undergraduate students at any university.", "intern"),
        ("Summer Programme", "Students from all backgrounds are welcome.", "intern"),
        ("Research Scientist", "You will supervise graduate students.", "unspecified"),
        # A "Manager" or "... Lead" is hired at many levels: stated years decide first
        ("Data Platform Lead", "You bring 3+ years of data engineering.", "mid"),
        ("Community Lead", "You have 10+ years of experience in events.", "senior"),
        ("Program Manager, Grants", "You have 6+ years of experience in grantmaking.", "senior"),
        ("Finance Manager", "You bring 3+ years of accounting experience.", "mid"),
        ("Communications Lead", "You write clearly for many audiences.", "lead"),
        ("Operations Manager", "This is an entry-level position.", "entry"),
        ("Events Lead", "This is a junior role in a small team.", "entry"),
        ("Senior Program Manager", "You bring 3+ years of program work.", "senior"),
        ("Lead Research Engineer", "You bring 3+ years of ML experience.", "lead"),
    ],
)
def test_career_stages_in_the_body(title: str, text: str, level: str) -> None:
    assert classify(title=title, description_text=text).seniority == level


def test_tensorflow_named_once_among_alternatives_is_not_a_skill() -> None:
    """The corpus labels the framework a posting works in, not every one in a list."""
    filler = "You will work with a friendly team on hard problems every day. " * 30
    body = filler + "You write Python and know ML frameworks such as PyTorch, TensorFlow or JAX."
    skills = classify(title="Research Engineer", description_text=body).skills
    assert "pytorch" in skills and "python" in skills
    assert "tensorflow" not in skills


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        # the first of three alternatives is the team's language; the later ones are accepted
        ("You code fluently in Python, Go, or Rust.", {"python"}, {"rust"}),
        ("Know deep learning libraries like PyTorch, TensorFlow, or JAX.", {"pytorch"}, {"jax"}),
        # the examples of an alternative are not asked for
        (
            "Fluent in Java, or a similar compiled language (Rust, C++, Python for scripts).",
            set(),
            {"rust", "python"},
        ),
        (
            "Experience with job schedulers, or ML frameworks (PyTorch, JAX).",
            set(),
            {"pytorch", "jax"},
        ),
        # two alternatives, or a list joined by "and", still name what the work uses
        ("Proficiency in Rust or Go.", {"rust", "go"}, set()),
        ("Proficiency in Go, or Rust.", {"rust", "go"}, set()),
        ("You write Python, TypeScript and Rust every week.", {"python", "rust"}, set()),
    ],
)
def test_later_alternatives_in_a_long_description_do_not_count(
    sentence: str, present: set[str], absent: set[str]
) -> None:
    filler = "You will work with a friendly team on hard problems every day. " * 30
    skills = set(classify(title="Software Engineer", description_text=filler + sentence).skills)
    assert present <= skills
    assert not (absent & skills)


def test_examples_in_brackets_restate_what_was_just_named() -> None:
    """ "Data pipelines (e.g., Spark, Airflow)" is one mention of data engineering."""
    filler = "You will work with a friendly team on hard problems every day. " * 30
    once = "Experience with data pipelines (e.g., Spark, Airflow, dbt)."
    skills = classify(title="ML Engineer", description_text=filler + once).skills
    assert "data_engineering" not in skills  # needs three mentions in a long description
    thrice = "Build data pipelines. Run Spark jobs. Own the Airflow scheduler."
    assert (
        "data_engineering" in classify(title="ML Engineer", description_text=filler + thrice).skills
    )
    # examples of something else still count: attacks on models (e.g., data poisoning)
    attacks = "Models may be attacked (e.g., data poisoning, adversarial images)."
    found = classify(title="Research Fellow", description_text=filler + attacks).skills
    assert "adversarial_robustness" in found


def test_skill_words_in_another_sense() -> None:
    filler = "You will work with a friendly team on hard problems every day. " * 30
    body = (
        filler
        + "Study reasoning in Claude Haiku. Build demand forecasting and time-series forecasting."
    )
    skills = classify(title="Research Engineer", description_text=body * 3).skills
    assert "jax" not in skills and "forecasting" not in skills
    for text, skill in (("Models written in dm-haiku.", "jax"), ("AI forecasting.", "forecasting")):
        assert skill in classify(title="Researcher", description_text=text).skills


# A long description in the usual ATS structure, written here: the skill named in the
# organisation's blurb (twice) and benefits (once), as often as its ``mentions`` ask, is
# not what the role works on.
SECTIONED = """About Example Labs
Example Labs builds reliable AI. Our interpretability team studies model internals, and
our interpretability papers are widely read.

About the role
{role}

Responsibilities
- Build and maintain the services our researchers depend on.
- Improve reliability, latency and cost of the platform.

You may be a good fit if you have:
- 5+ years of backend engineering experience.
- Care about clean, tested code.

Benefits
- Generous leave, and a learning budget you can spend on interpretability courses.

{filler}"""
_FILLER = "We value kindness, rigour and curiosity in everything we do together. " * 20


def test_skills_named_only_in_the_blurb_and_benefits_do_not_count() -> None:
    text = SECTIONED.format(role="You will run our data platform.", filler=_FILLER)
    result = classify(title="Software Engineer", description_text=text, org_type="lab")
    assert "interpretability" not in result.skills
    about = "You will build interpretability tools: interpretability evals, interpretability UIs."
    text = SECTIONED.format(role=about, filler=_FILLER)
    result = classify(title="Software Engineer", description_text=text, org_type="lab")
    assert "interpretability" in result.skills


def test_support_roles_do_not_take_research_areas_from_the_body() -> None:
    body = "Support our interpretability researchers: schedules, hiring, events. " * 2
    ops = classify(title="Operations Associate", description_text=body)
    assert ops.role == "operations"
    assert "interpretability" not in ops.skills
    sales = classify(title="Account Executive", description_text=body)  # a commercial title
    assert "interpretability" not in sales.skills
    titled = classify(title="Operations Associate, Interpretability", description_text=body)
    assert "interpretability" in titled.skills  # the title names the team it works in
    for title in ("Research Engineer", "Research Manager"):  # managers lead the work
        assert "interpretability" in classify(title=title, description_text=body).skills


def test_roles_that_write_no_code_take_tools_from_the_title_only() -> None:
    """Roles that write no code: "SQL, Python or similar" there is for analysis."""
    body = "Track our program with dashboards; working knowledge of SQL and Python. " * 2
    for title in ("Operations Associate", "Policy Analyst"):
        assert "python" not in classify(title=title, description_text=body).skills
    assert "python" in classify(title="Software Engineer", description_text=body).skills
    titled = classify(title="Policy Analyst (Python)", description_text=body)
    assert "python" in titled.skills


def test_product_and_program_managers_take_tools_from_the_title_only() -> None:
    """A product or program manager "with working proficiency in Python and SQL" reads
    data; a stack named in the description is the engineers'."""
    body = "Define the roadmap with engineers; working proficiency in Python and SQL. " * 2
    for title in ("Product Manager, Agents", "Technical Program Manager, Evaluations"):
        assert "python" not in classify(title=title, description_text=body).skills
    assert "python" in classify(title="Engineering Manager", description_text=body).skills


def test_a_bare_area_name_counts_in_the_title_only() -> None:
    """ "Security" or "Privacy" in a title names the role's function; in a description it
    is every employer's word. Geopolitical security is not the skill."""
    body = "Keep our programme on track and report to leadership on progress. " * 3
    for title, skill in (
        ("Security Operations Coordinator", "security"),
        ("Privacy Counsel", "privacy"),
    ):
        assert skill in classify(title=title, description_text=body).skills
    assert "security" not in classify(title="Manager, National Security Policy").skills
    centre = classify(title="Research Fellow", department="Center on AI, Security and Society")
    assert "security" not in centre.skills
    text = "We care about security and privacy. " * 3
    assert not {"security", "privacy"} & set(
        classify(title="Engineer", description_text=text).skills
    )


def test_a_program_about_alignment_is_tagged_with_it() -> None:
    """A fellowship or course names its subject ("alignment") throughout; a job naming its
    employer's mission as often is not thereby doing alignment theory."""
    body = (
        "A ten-week program for people new to alignment: weekly mentorship, a cohort and a "
        "stipend. Fellows pick a project in AI alignment with their mentor."
    )
    program = classify(title="Summer Research Fellowship", description_text=body)
    assert program.role == "fellowship"
    assert "alignment_theory" in program.skills
    once = classify(title="Summer Research Fellowship", description_text=body[:60])
    assert "alignment_theory" not in once.skills  # named once: in passing
    job = classify(title="Office Manager", description_text=body)
    assert "alignment_theory" not in job.skills


def test_a_role_about_ai_policy_is_adjacent_whatever_its_title() -> None:
    """The guideline's "general AI policy roles" are a topic, not a title."""
    body = (
        "Our think tank studies artificial intelligence. The fellow will write policy "
        "recommendations on AI for legislators."
    )
    fellow = classify(title="Research Fellow", description_text=body)
    assert fellow.safety_relevance == "adjacent", fellow.evidence_for("safety_relevance")
    unrelated = "Our clinic studies tax law. The fellow will write policy recommendations."
    other = classify(title="Research Fellow", description_text=unrelated)
    assert other.safety_relevance == "none"


def test_support_roles_of_an_employer_known_by_its_mission_are_adjacent() -> None:
    """An unknown employer that says its mission is AI safety: its operations and
    management support the work (GUIDELINE); a frontier lab's blurb does not make its
    operations adjacent, and a mission in other words leaves the role none."""
    body = "Run finance and compliance for a growing AI safety nonprofit."
    ops = classify(title="Operations Director", description_text=body, org="A New Nonprofit")
    assert ops.safety_relevance == "adjacent", ops.evidence_for("safety_relevance")
    lab = classify(title="Operations Director", description_text=body, org="OpenAI")
    assert lab.safety_relevance == "none"
    plain = "Run finance and compliance for a growing retail chain."
    other = classify(title="Operations Director", description_text=plain, org="Acme")
    assert other.safety_relevance == "none"


def test_a_short_summary_naming_a_safety_research_area_is_core() -> None:
    """In a board's short summary every line is the role: interpretability or AI control
    named there is the work, as in a title; red teaming (also offensive security) and
    evaluations (every ML job's word) are not enough on their own."""
    for body in (
        "You will study how language models represent concepts and publish interpretability "
        "tools for researchers.",
        "Design control protocols that keep untrusted models from causing harm.",
    ):
        result = classify(title="Research Engineer", description_text=body, org="A New Lab")
        assert result.safety_relevance == "core", result.evidence_for("safety_relevance")
    for body in (
        "Join our red team to run penetration tests against the bank's networks.",
        "Build benchmarks and evaluation metrics for our recommendation models.",
    ):
        result = classify(title="Research Engineer", description_text=body, org="Acme")
        assert result.safety_relevance != "core", result.evidence_for("safety_relevance")
    long_body = "We build search products for retailers. " * 40 + "Interpretability is a plus."
    long = classify(title="Research Engineer", description_text=long_body, org="Acme")
    assert long.safety_relevance == "none"  # a long posting names areas in passing


@pytest.mark.parametrize(
    "body",
    [
        "Our team studies the threat of frontier AI models to humanity.",
        "We are a nonprofit working on the risks of advanced AI systems.",
        "You will build safety tooling for LLMs and the agents built on them.",
    ],
)
def test_a_mission_stated_in_the_fields_words_is_not_none(body: str) -> None:
    """How unknown AI-safety organisations state their work (threats or risks of AI,
    safety of language models): never none."""
    result = classify(title="Research Engineer", description_text=body, org="A New Lab")
    assert result.safety_relevance != "none", result.evidence_for("safety_relevance")


def test_field_funders_are_known_employers() -> None:
    """Funders of existential-risk work (domain.md 5.6) support the field: adjacent."""
    for title, org in (
        ("Applications for the grant round close soon", "Survival and Flourishing Fund"),
        ("Announcing Effective Altruism Grants", "Centre for Effective Altruism"),
    ):
        result = classify(title=title, description_text="Apply by Friday.", org=org)
        assert result.safety_relevance == "adjacent", result.evidence_for("safety_relevance")


def test_an_unknown_employer_that_trains_models_is_judged_as_a_lab() -> None:
    """An employer known neither by name nor by type is what its text says: one that
    speaks of "our models" or "our customers" is an AI company, whose safeguards team is
    adjacent (the lab rule), not core; a known safety organisation's name still wins."""
    body = (
        "Help us keep our models from being misused. You will write classifiers that "
        "detect abuse of the API by our customers."
    )
    title = "Software Engineer, Safeguards"
    company = classify(title=title, description_text=body, org="Newco")
    assert company.safety_relevance == "adjacent", company.evidence_for("safety_relevance")
    plain = "You will write classifiers that detect misuse of AI systems."
    unknown = classify(title=title, description_text=plain, org="Newco")
    assert unknown.safety_relevance == "core", unknown.evidence_for("safety_relevance")
    known = classify(title=title, description_text=body, org="Redwood Research")
    assert known.safety_relevance == "core", known.evidence_for("safety_relevance")


@pytest.mark.parametrize(
    "body",
    [
        "Build the platform that helps teams ship trustworthy, robust AI applications.",
        "Our programs help researchers safely navigate advanced AI.",
    ],
)
def test_a_mission_of_safe_ai_systems_makes_a_role_adjacent(body: str) -> None:
    """An unknown employer whose summary states its aim as safe or trustworthy AI
    systems, or navigating transformative AI safely: the role supports the field."""
    result = classify(title="Software Engineer", description_text=body, org="Newco")
    assert result.safety_relevance == "adjacent", result.evidence_for("safety_relevance")
    plain = classify(title="Software Engineer", description_text="Build fast AI applications.")
    assert plain.safety_relevance == "none"


@pytest.mark.parametrize("title", ["PhD Fellowship", "IT Support Specialist", "Tech Lead"])
def test_a_text_two_entries_of_a_role_match_counts_at_the_higher_weight(title: str) -> None:
    """Not the first entry's weight: the taxonomy's entry order must not change a score."""
    from aggregator.normalize.classifier import _role_hits, scan_posting

    _, scan, _ = scan_posting(load_taxonomy(), title=title)
    highest: dict[tuple[str, str], float] = {}
    for _, phrase, (_, role, weight, _) in scan.of_kind("role"):
        highest[phrase, role] = max(highest.get((phrase, role), weight), weight)
    assert {(p, r): w for _, p, r, w in _role_hits(scan)} == highest


@pytest.mark.parametrize(
    "title",
    [
        "Research Scientist, AI Security Institute",
        "Security Guard",
        "Night Security Officer",
        "Food Security Analyst",
        "Nuclear Security Fellow",
    ],
)
def test_a_bare_security_in_the_title_is_not_always_the_skill(title: str) -> None:
    """An institute's name, guards, a security officer, food or nuclear security."""
    assert "security" not in classify(title=title).skills
    assert "security" in classify(title="Security Engineer, Infrastructure").skills
