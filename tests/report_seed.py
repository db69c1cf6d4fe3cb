"""The "Results 2022" section of the programme's annual report (shared/seed), as printed:
pillars of (key, label, level, target, result, remarks); level 1 lines are parts."""

PILLAR_1 = [
    (
        "step_out",
        "People who have access to a Step Out program",
        0,
        15,
        36,
        "New beneficiaries joined through outreach in Bucharest and referrals. Since April, the "
        "shelter in Oradea offers housing for both victims of human trafficking and refugees",
    ),
    (
        "volunteers",
        "Volunteers motivated and involved in activities (Oradea & Bucharest)",
        0,
        20,
        25,
        "Volunteers are involved in safety net building through spending time together with "
        "beneficiaries for study, free time and parenting activities.",
    ),
    (
        "outreach_ora",
        "Outreach in Oradea",
        0,
        25,
        0,
        "Because of safety questions for staff and beneficiaries the outreach is delayed. A "
        "security officer and measures are in place.",
    ),
    (
        "outreach_buc",
        "Outreach in Bucharest",
        0,
        150,
        62,
        "A total of 62 people was reached through our organised activities. At Christmas, 156 "
        "gifts were distributed to women exploited through prostitution",
    ),
    (
        "conferences_staff",
        "Conferences for capacity building for local staff and others",
        0,
        2,
        2,
        "Two conferences were organized (May and November). Reaching a total of 250 students "
        "and professionals. Topics covered were: 'trauma informed care', 'early identification "
        "of human trafficking' and 'prevention of human trafficking among refugees'.",
    ),
    (
        "vocational_p1",
        "People involved in Vocational Training Course",
        0,
        12,
        7,
        "An opportunity for vocational training was offered to all the beneficiaries. Not all "
        "were ready to start a vocational training course.",
    ),
]
PILLAR_2 = [
    (
        "legal_conferences",
        "Conference conducted on Legal support for local authorities",
        0,
        2,
        2,
        "New beneficiaries joined through outreach in Bucharest and referrals. Since April, the "
        "shelter in Oradea offers housing for both victims of human trafficking and refugees.",
    ),
    (
        "conference_participants",
        "Participants at conference",
        0,
        80,
        113,
        "There were 80 participants at the conference “Building a Collaborative Criminal "
        "Justice Response to Trafficking Persons in Romania” and 33 at the Multidisciplinary "
        "training organized for the Bucharest region.",
    ),
    (
        "refugee_conferences",
        "Conferences conducted on local authorities (refugee project)",
        0,
        1,
        1,
        "The aim of the conference was to facilitate communication between state institutions "
        "and non-governmental organizations, as well as spreading information related to the "
        "prevention of human trafficking among Ukrainian citizens.",
    ),
    (
        "refugee_participants",
        "Participants Refugee project",
        0,
        10,
        24,
        "24 participants at the conference.",
    ),
    (
        "refugees_supported",
        "Refugees supported",
        0,
        250,
        1500,
        "The project offered humanitarian aid with food, transport, bedding, sim cards, etc. "
        "Protection officers referred to social/medical services. We offered transport and "
        "safety measures for refugees to Western Europe.",
    ),
    (
        "referrals",
        "Referral cases",
        0,
        12,
        17,
        "Victims that were supported are young women residing in the north and east side of "
        "Romania, who were recruited in Romania and trafficked both internally and to other "
        "countries of destination.",
    ),
]
PILLAR_3 = [
    (
        "awareness",
        "People targeted for awareness raising and prevention activities",
        0,
        None,
        None,
        "",
    ),
    (
        "bucharest",
        "Bucharest",
        1,
        250,
        1010,
        "We organized 25 workshops on awareness and prevention.",
    ),
    (
        "oradea",
        "Oradea",
        1,
        250,
        320,
        "Sketches developed and presented at highschoools and at the local conference.",
    ),
    (
        "oradea_refugee",
        "Oradea Refugee Project",
        1,
        100,
        21,
        "Prevention activities were launched and continue in 2023.",
    ),
    (
        "teenagers",
        "Teenagers involved in Life Skills development",
        0,
        None,
        None,
        "Teenagers from vulnurable communities participate in sewing courses and develop "
        "additional lifeskills.",
    ),
    ("oradea", "Oradea", 1, 15, 6, ""),
    (
        "bucharest",
        "Bucharest",
        1,
        0,
        194,
        "We Life Skills trainings at Youth Camps and during visits at Youth Programs.",
    ),
    (
        "caretakers",
        "Caretakers involved in parenting classes",
        0,
        15,
        15,
        "Volunteers were involved in holding parenting classes for the mothers that are "
        "beneficiaries in the project.",
    ),
    (
        "safety_nets",
        "Active safety nets",
        0,
        1,
        1,
        "A safety net is developed by organising activities for women and teenagers.",
    ),
    (
        "refugee",
        "refugee project",
        1,
        1,
        1,
        "In this the refugees also discuss safety related issues and integration in Romania.",
    ),
    (
        "vocational_p3",
        "People involved in Vocational Training Course",
        0,
        25,
        22,
        "Beneficiaries participated at vocational training courses as a prevention activity.",
    ),
    (
        "refugee",
        "refugee project",
        1,
        5,
        9,
        "Refugees participated at sewing courses to develop new skills towards social "
        "reintegration.",
    ),
]
RESULTS_2022 = [("Pillar 1", PILLAR_1), ("Pillar 2", PILLAR_2), ("Pillar 3", PILLAR_3)]


def definitions(year: int = 2022) -> dict:
    """The layout as ``PUT /indicator-definitions`` takes it: every row entered by hand."""
    pillars = []
    for name, lines in RESULTS_2022:
        rows = []
        for key, label, level, *_figures in lines:
            if level:
                rows[-1]["parts"].append({"key": key, "label": label})
            else:
                rows.append({"key": key, "label": label, "source": "manual", "parts": []})
        pillars.append({"name": name, "rows": rows})
    return {"year": year, "pillars": pillars}


def figures(year: int = 2022) -> dict:
    """Every figure and remark as ``PUT /indicator-figures`` takes them."""
    out = []
    for _name, lines in RESULTS_2022:
        row = None
        for key, _label, level, target, result, remarks in lines:
            row = row if level else key
            out.append(
                {
                    "row": row,
                    "part": key if level else None,
                    "target": target,
                    "result": result,
                    "remarks": remarks,
                }
            )
    return {"year": year, "figures": out}


def expected_json() -> list[dict]:
    """The report's pillars as ``GET /reports/results`` must give them."""
    pillars = []
    for name, lines in RESULTS_2022:
        rows, row = [], None
        for key, label, level, target, result, remarks in lines:
            row = row if level else key
            rows.append(
                {
                    "row": row,
                    "part": key if level else None,
                    "label": label,
                    "level": level,
                    "target": target,
                    "result": result,
                    "remarks": remarks,
                }
            )
        pillars.append({"name": name, "rows": rows})
    return pillars
