"""Every text of the classroom app in English and Danish.

Report texts (area names, scenario names, metric names) come from
:mod:`simulation.report.labels`; lever descriptions come from the parameter registry
(:mod:`simulation.inputs.registry`). This module holds what only the app says: buttons, headings,
the article's seven questions, short lever names and the follow-a-citizen words.
"""

from __future__ import annotations

from typing import Any

from simulation.inputs.registry import Parameter
from simulation.report import labels

__all__ = [
    "LANGUAGES",
    "QUESTIONS",
    "t",
    "lever_label",
    "lever_question",
    "lever_description",
    "choice_label",
    "scenario_label",
    "scenario_description",
    "need_label",
    "stage_label",
    "lead_label",
    "kind_label",
]

LANGUAGES = ("en", "da")

#: The article's seven questions (docs/ODD.md, section 1), by number.
QUESTIONS: dict[int, dict[str, str]] = {
    1: {
        "en": "What is the potential for social innovation in the municipality or region?",
        "da": "Hvad er potentialet for social innovation i kommunen eller regionen?",
    },
    2: {
        "en": "Which actors are relevant to work with, and when?",
        "da": "Hvilke aktører er relevante at arbejde sammen med, og hvornår?",
    },
    3: {
        "en": "How is the innovative thinking and drive among local actors set free?",
        "da": "Hvordan sættes den innovative tænkning og drivkraft hos lokale aktører fri?",
    },
    4: {
        "en": "How can the municipality or region be a good facilitator of the joint effort?",
        "da": "Hvordan kan kommunen eller regionen være en god facilitator af den fælles indsats?",
    },
    5: {
        "en": "Which new competencies do public managers and staff need?",
        "da": "Hvilke nye kompetencer har offentlige ledere og medarbejdere brug for?",
    },
    6: {
        "en": "How can social innovation be scaled and spread?",
        "da": "Hvordan kan social innovation skaleres og spredes?",
    },
    7: {
        "en": "How is the quality of the socially innovative welfare solutions secured?",
        "da": "Hvordan sikres kvaliteten af de socialt innovative velfærdsløsninger?",
    },
}

# Levers that answer none of the seven questions but the article's framing (question 0).
_FRAMING: dict[str, dict[str, str]] = {
    "challenge_based": {
        "en": "The article's framing: start from the welfare challenge, not from the usual"
        " provider.",
        "da": "Artiklens ramme: tag udgangspunkt i velfærdsudfordringen, ikke i den vante"
        " leverandør.",
    },
    "public_role": {
        "en": "The article's framing: is the public sector the driving force, or on the sidelines?",
        "da": "Artiklens ramme: er det offentlige drivkraften, eller sidder det på sidelinjen?",
    },
    "coverage": {
        "en": "The article's framing: patchwork or one strategy across all welfare areas?",
        "da": "Artiklens ramme: kludetæppe eller én strategi på tværs af alle velfærdsområder?",
    },
    "action_plan": {
        "en": "The article's framing: a strategy with an action plan that secures its"
        " implementation.",
        "da": "Artiklens ramme: en strategi med en handlingsplan, der sikrer implementeringen.",
    },
    "adoption": {
        "en": "The article's framing: every municipality and region should have a strategy.",
        "da": "Artiklens ramme: hver kommune og region bør have en strategi.",
    },
}
_FRAMING_DEFAULT = {
    "en": "The article's framing: from patchwork to strategy.",
    "da": "Artiklens ramme: fra kludetæppe til strategi.",
}

_LEVER_LABELS: dict[str, dict[str, str]] = {
    "potential_mapping": {"en": "Map the potential", "da": "Kortlæg potentialet"},
    "actor_mix": {"en": "Mix of actors", "da": "Aktørmiks"},
    "innovation_support": {"en": "Innovation funds", "da": "Innovationspuljer"},
    "facilitation": {"en": "Coordinators", "da": "Koordinatorer"},
    "competence": {"en": "Training in co-creation", "da": "Uddannelse i samskabelse"},
    "scaling": {"en": "Scale and spread", "da": "Skalering og spredning"},
    "quality_assurance": {
        "en": "Quality assurance (evaluation)",
        "da": "Kvalitetssikring (evaluering)",
    },
    "challenge_based": {"en": "Challenge-based", "da": "Udfordringsbaseret"},
    "public_role": {"en": "Role of the public sector", "da": "Det offentliges rolle"},
    "coverage": {"en": "Welfare areas covered", "da": "Velfærdsområder der er dækket"},
    "action_plan": {"en": "Action plan", "da": "Handlingsplan"},
    "adoption": {"en": "Municipalities with a strategy", "da": "Kommuner med en strategi"},
    # uncertainties
    "unit_cost_growth": {"en": "Real unit-cost growth", "da": "Real vækst i enhedsomkostninger"},
    "discount_rate": {"en": "Discount rate", "da": "Diskonteringsrente"},
    "healthy_ageing": {"en": "Healthy ageing", "da": "Sund aldring"},
    "effect_scale": {"en": "Effect of initiatives", "da": "Initiativernes effekt"},
    "volunteering_trend": {"en": "Trend in volunteering", "da": "Udvikling i frivillighed"},
    "mental_illness_trend": {
        "en": "Trend in mental illness",
        "da": "Udvikling i psykisk sygdom",
    },
    "mortality_improvement": {"en": "Falling mortality", "da": "Faldende dødelighed"},
    "fertility": {"en": "Fertility", "da": "Fertilitet"},
    "migration_scale": {"en": "Immigration after 2040", "da": "Indvandring efter 2040"},
    "substitution": {
        "en": "Volunteers replacing paid work",
        "da": "Frivillige der erstatter lønnet arbejde",
    },
}

_CHOICES: dict[str, dict[str, str]] = {
    "driver": {"en": "Driver", "da": "Drivkraft"},
    "enabler": {"en": "On the sidelines", "da": "På sidelinjen"},
}

_SCENARIOS: dict[str, dict[str, str]] = {
    "classroom": {"en": "Classroom (strategic, small sample)", "da": "Klasseværelse (strategisk)"},
}
_SCENARIO_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "classroom": {
        "en": "the strategic scenario on a small sample of citizens, so that a year appears at"
        " once.",
        "da": "det strategiske scenarie på en lille stikprøve af borgere, så et år vises med"
        " det samme.",
    },
}

_NEEDS: dict[str, dict[str, str]] = {
    "home_help": {"en": "home help", "da": "hjemmehjælp"},
    "nursing_home": {"en": "nursing home", "da": "plejebolig"},
    "chronic_patient": {"en": "chronic patient", "da": "kronisk patient"},
    "mental_illness": {"en": "mental illness", "da": "psykisk sygdom"},
    "cash_benefit": {"en": "cash benefit", "da": "kontanthjælp"},
    "disability_pension": {"en": "disability pension", "da": "førtidspension"},
    "integration_programme": {"en": "integration programme", "da": "integrationsprogram"},
    "sentenced": {"en": "serving a sentence", "da": "afsoner en dom"},
}

_STAGES: dict[str, dict[str, str]] = {
    "proposed": {"en": "proposed", "da": "foreslået"},
    "pilot": {"en": "pilot", "da": "pilot"},
    "running": {"en": "running", "da": "i drift"},
    "scaled": {"en": "scaled", "da": "skaleret"},
    "stopped": {"en": "stopped", "da": "stoppet"},
}

_LEADS: dict[str, dict[str, str]] = {
    "volunteer": {"en": "volunteers", "da": "frivillige"},
    "association": {"en": "an association", "da": "en forening"},
    "social_enterprise": {
        "en": "a social-economy enterprise",
        "da": "en socialøkonomisk virksomhed",
    },
    "firm": {"en": "a company", "da": "en virksomhed"},
    "online": {"en": "an online community", "da": "et online-fællesskab"},
    "public": {"en": "the public unit", "da": "den offentlige enhed"},
}

_KINDS: dict[str, dict[str, str]] = {
    "reablement": {"en": "reablement", "da": "hverdagsrehabilitering"},
    "visiting_friends": {"en": "visiting friends", "da": "besøgsvenner"},
    "prevention_groups": {"en": "prevention groups", "da": "forebyggelsesgrupper"},
    "peer_support": {"en": "peer support", "da": "peer-støtte"},
    "early_help": {"en": "early help", "da": "tidlig hjælp"},
    "jobs": {"en": "jobs", "da": "job"},
    "mentoring": {"en": "mentoring", "da": "mentorordning"},
    "reentry": {"en": "re-entry after prison", "da": "genindslusning efter fængsel"},
}

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "app_title": "Welfare to 2050: social innovation in the classroom",
        "app_intro": "Choose a scenario, move a lever and press Play: the model simulates"
        " Denmark's welfare demand year by year from 2026, next to a baseline run without social"
        " innovation (same citizens, same random numbers).",
        "language": "Language",
        "scenario": "Scenario",
        "levers": "Levers: the article's seven questions",
        "levers_note": "Levers act from 2026: moving one starts the run again.",
        "assumptions": "Assumptions (uncertainties nobody chooses)",
        "sample": "Sample of citizens",
        "n_citizens": "about {n} citizens",
        "seed": "Random seed",
        "play": "Play",
        "pause": "Pause",
        "step": "Step one year",
        "reset": "Reset",
        "to_end": "Run to {end}",
        "year_status": "Simulated: 2026–{last} · next year {next}",
        "year_none": "Not started: press Play or Step (2026–{end})",
        "year_done": "Done: 2026–{end}",
        "seconds_per_year": "{seconds} s per simulated year",
        "question": "Question {n}: {q}",
        "varies": "Varies from unit to unit in this scenario ({low}–{high}); moving it sets"
        " one value for all.",
        "varies_choice": "Varies from unit to unit in this scenario; choosing sets one value"
        " for all.",
        "changed": "changed",
        "yes": "yes",
        "no": "no",
        "restore": "Restore the scenario's levers",
        "citizens_in_sample": "{n} simulated citizens, each standing for {w} residents",
        # key figures
        "kf_net_cost": "Net public cost {year}",
        "kf_difference": "Against baseline, {start}–{year}",
        "kf_pv_total": "Net result against baseline, present value {start}–{year}: all public"
        " budgets",
        "kf_pv_municipality": "Net result against baseline, present value {start}–{year}:"
        " municipalities",
        "kf_payback": "Payback year: all public budgets / municipalities",
        "kf_not_by": "not by {year}",
        "kf_volunteers": "Volunteers {year}",
        "kf_initiatives": "Initiatives running {year}",
        "kf_jobs": "Marginalised citizens in jobs {year}",
        "dkk_bn": "DKK bn",
        "dkk_m": "DKK m",
        "persons": "persons",
        "map_growth": "Growth in net public cost {start}–{end}, by municipality",
        "map_difference": "Net public cost {end} against baseline, by municipality",
        "saving": "saving",
        "extra_cost": "extra cost",
        # figures
        "fig_net_cost": "Net public cost per year",
        "fig_net_difference": "Difference to baseline per year",
        "fig_cumulated": "cumulated {start}–{end}: {value} DKK bn ({pct} %)",
        "fig_cost_by_area": "Net public cost by welfare area",
        "fig_area_difference": "Against baseline",
        "fig_mobilisation": "Volunteers and jobs mobilised",
        "fig_volunteers": "Volunteers",
        "fig_jobs": "Marginalised in jobs",
        "fig_hours": "Hours in initiatives",
        "fig_initiatives": "Initiatives by stage",
        "fig_initiatives_stopped": "stopped during the year",
        "fig_tile_wait": "The map appears after the first simulated year.",
        "fig_citizen": "Needs by welfare area, year by year",
        "fig_citizen_reached": "reached by an initiative",
        "fig_no_data": "Press Step or Play to simulate a year.",
        "previous_run": "previous run",
        "baseline": "Baseline",
        "thousand": "thousands",
        "million_hours": "million hours",
        "count": "number",
        "tile_mode": "Colour the map by",
        "tile_growth": "cost growth since 2026",
        "tile_difference": "difference to baseline",
        # tabs
        "tab_cost": "Cost",
        "tab_areas": "Welfare areas",
        "tab_mobilisation": "Mobilisation",
        "tab_initiatives": "Initiatives",
        "tab_map": "Map",
        "tab_citizen": "Follow a citizen",
        # follow a citizen
        "follow_title": "Follow a citizen",
        "follow_intro": "Pick a municipality and an age; the app picks one citizen of that age"
        " living there in the current year and follows them from now on.",
        "municipality": "Municipality",
        "age": "Age",
        "follow": "Follow a citizen",
        "follow_none": "Nobody of age {age} lives in {municipality} in the sample; try another"
        " age or a bigger municipality.",
        "citizen_header": "Citizen no. {pid}: {sex}, {age} years old in {year}, lives in"
        " {municipality}",
        "male": "man",
        "female": "woman",
        "citizen_gone": "{year}: no longer in the simulation (died or emigrated).",
        "citizen_moved": "{year}: moved to {municipality}.",
        "citizen_volunteer": "volunteers",
        "citizen_no_need": "no need for public welfare services",
        "citizen_needs": "needs",
        "citizen_year": "{year} (age {age}): {needs}",
        "initiatives_reached": "Initiatives that reached this citizen",
        "initiative_row": "{kind} ({area}), led by {lead}, started {started}, reached them in"
        " {years}; now {stage}. True effect: {effect}; evaluated: {measured}.",
        "effect_incidence": "chance of a new need {value} %",
        "effect_remission": "chance of leaving the need {value} %",
        "not_measured": "not yet",
        "measured_benefit": "measured benefit {value} %",
        "no_initiatives": "No initiative has reached this citizen so far.",
        "follow_start_hint": "Tip: pick the citizen before pressing Play to see their whole"
        " life course from 2026.",
    },
    "da": {
        "app_title": "Velfærd frem til 2050: social innovation i undervisningen",
        "app_intro": "Vælg et scenarie, flyt et håndtag og tryk Afspil: modellen simulerer"
        " Danmarks velfærdsbehov år for år fra 2026, ved siden af en basiskørsel uden social"
        " innovation (samme borgere, samme tilfældige tal).",
        "language": "Sprog",
        "scenario": "Scenarie",
        "levers": "Håndtag: artiklens syv spørgsmål",
        "levers_note": "Håndtagene virker fra 2026: flytter du et, starter kørslen forfra.",
        "assumptions": "Antagelser (usikkerheder som ingen vælger)",
        "sample": "Stikprøve af borgere",
        "n_citizens": "ca. {n} borgere",
        "seed": "Frø for tilfældige tal",
        "play": "Afspil",
        "pause": "Pause",
        "step": "Et år frem",
        "reset": "Forfra",
        "to_end": "Kør til {end}",
        "year_status": "Simuleret: 2026–{last} · næste år {next}",
        "year_none": "Ikke startet: tryk Afspil eller Et år frem (2026–{end})",
        "year_done": "Færdig: 2026–{end}",
        "seconds_per_year": "{seconds} s pr. simuleret år",
        "question": "Spørgsmål {n}: {q}",
        "varies": "Varierer fra enhed til enhed i dette scenarie ({low}–{high}); flytter du"
        " det, gælder én værdi for alle.",
        "varies_choice": "Varierer fra enhed til enhed i dette scenarie; vælger du, gælder én"
        " værdi for alle.",
        "changed": "ændret",
        "yes": "ja",
        "no": "nej",
        "restore": "Gendan scenariets håndtag",
        "citizens_in_sample": "{n} simulerede borgere, som hver tæller for {w} indbyggere",
        "kf_net_cost": "Offentlig nettoudgift {year}",
        "kf_difference": "I forhold til basis, {start}–{year}",
        "kf_pv_total": "Nettoresultat i forhold til basis, nutidsværdi {start}–{year}: alle"
        " offentlige budgetter",
        "kf_pv_municipality": "Nettoresultat i forhold til basis, nutidsværdi {start}–{year}:"
        " kommunerne",
        "kf_payback": "Tilbagebetalingsår: alle offentlige budgetter / kommunerne",
        "kf_not_by": "ikke inden {year}",
        "kf_volunteers": "Frivillige {year}",
        "kf_initiatives": "Initiativer i drift {year}",
        "kf_jobs": "Udsatte borgere i job {year}",
        "dkk_bn": "mia. kr.",
        "dkk_m": "mio. kr.",
        "persons": "personer",
        "map_growth": "Vækst i offentlig nettoudgift {start}–{end}, efter kommune",
        "map_difference": "Offentlig nettoudgift {end} i forhold til basis, efter kommune",
        "saving": "besparelse",
        "extra_cost": "merudgift",
        "fig_net_cost": "Offentlig nettoudgift pr. år",
        "fig_net_difference": "Forskel til basis pr. år",
        "fig_cumulated": "akkumuleret {start}–{end}: {value} mia. kr. ({pct} %)",
        "fig_cost_by_area": "Offentlig nettoudgift efter velfærdsområde",
        "fig_area_difference": "Mod basis",
        "fig_mobilisation": "Frivillige og job mobiliseret",
        "fig_volunteers": "Frivillige",
        "fig_jobs": "Udsatte i job",
        "fig_hours": "Timer i initiativer",
        "fig_initiatives": "Initiativer efter fase",
        "fig_initiatives_stopped": "stoppet i løbet af året",
        "fig_tile_wait": "Kortet vises efter det første simulerede år.",
        "fig_citizen": "Behov efter velfærdsområde, år for år",
        "fig_citizen_reached": "nået af et initiativ",
        "fig_no_data": "Tryk Et år frem eller Afspil for at simulere et år.",
        "previous_run": "forrige kørsel",
        "baseline": "Basis",
        "thousand": "tusinder",
        "million_hours": "mio. timer",
        "count": "antal",
        "tile_mode": "Farv kortet efter",
        "tile_growth": "vækst i udgift siden 2026",
        "tile_difference": "forskel til basis",
        "tab_cost": "Udgift",
        "tab_areas": "Velfærdsområder",
        "tab_mobilisation": "Mobilisering",
        "tab_initiatives": "Initiativer",
        "tab_map": "Kort",
        "tab_citizen": "Følg en borger",
        "follow_title": "Følg en borger",
        "follow_intro": "Vælg en kommune og en alder; appen vælger en borger på den alder, der"
        " bor der i det aktuelle år, og følger vedkommende herfra.",
        "municipality": "Kommune",
        "age": "Alder",
        "follow": "Følg en borger",
        "follow_none": "Ingen på {age} år bor i {municipality} i stikprøven; prøv en anden"
        " alder eller en større kommune.",
        "citizen_header": "Borger nr. {pid}: {sex}, {age} år i {year}, bor i {municipality}",
        "male": "mand",
        "female": "kvinde",
        "citizen_gone": "{year}: ikke længere i simuleringen (død eller udvandret).",
        "citizen_moved": "{year}: flyttet til {municipality}.",
        "citizen_volunteer": "frivillig",
        "citizen_no_need": "intet behov for offentlige velfærdsydelser",
        "citizen_needs": "behov",
        "citizen_year": "{year} ({age} år): {needs}",
        "initiatives_reached": "Initiativer der har nået borgeren",
        "initiative_row": "{kind} ({area}), drevet af {lead}, startet {started}, nåede"
        " borgeren i {years}; nu {stage}. Sand effekt: {effect}; evalueret: {measured}.",
        "effect_incidence": "risiko for et nyt behov {value} %",
        "effect_remission": "chance for at komme ud af behovet {value} %",
        "not_measured": "endnu ikke",
        "measured_benefit": "målt gevinst {value} %",
        "no_initiatives": "Intet initiativ har nået borgeren indtil nu.",
        "follow_start_hint": "Tip: vælg borgeren, før du trykker Afspil, så ser du hele"
        " livsforløbet fra 2026.",
    },
}


def _lang(lang: str) -> str:
    return labels.check_lang(lang)


def t(key: str, lang: str = "en", **fields: Any) -> str:
    """Return one app text in the given language.

    Args:
        key: Text key, e.g. ``"play"``.
        lang: ``"en"`` or ``"da"``.
        **fields: Values for the ``{placeholders}``.

    Raises:
        ValueError: For an unknown language.
        KeyError: For an unknown key.
    """
    return labels.fill(_TEXT, key, lang, **fields)


def lever_label(name: str, lang: str = "en") -> str:
    """Return the short display name of a lever or uncertainty (its id when unknown)."""
    return _LEVER_LABELS.get(name, {}).get(_lang(lang), name.replace("_", " "))


def lever_question(param: Parameter, lang: str = "en") -> str:
    """Return one plain sentence saying which of the article's questions a lever answers.

    Args:
        param: The lever from the registry (its ``question`` is 1-7, or 0 for the framing).
        lang: ``"en"`` or ``"da"``.
    """
    lang = _lang(lang)
    if param.question in QUESTIONS:
        return t("question", lang, n=param.question, q=QUESTIONS[param.question][lang])
    return _FRAMING.get(param.name, _FRAMING_DEFAULT)[lang]


def lever_description(param: Parameter, lang: str = "en") -> str:
    """Return the registry's one-sentence description of a parameter in ``lang``."""
    return param.description_da if _lang(lang) == "da" else param.description


def choice_label(value: str, lang: str = "en") -> str:
    """Return the display name of a choice value (``driver``/``enabler``)."""
    return _CHOICES.get(value, {}).get(_lang(lang), value)


def scenario_label(name: str, lang: str = "en") -> str:
    """Return the display name of a scenario (the app's own ones, else the report's)."""
    if name in _SCENARIOS:
        return _SCENARIOS[name][_lang(lang)]
    return labels.scenario_label(name, lang)


def scenario_description(name: str, lang: str = "en") -> str:
    """Return a one-sentence description of a scenario ("" when none is known)."""
    if name in _SCENARIO_DESCRIPTIONS:
        return _SCENARIO_DESCRIPTIONS[name][_lang(lang)]
    return labels.scenario_description(name, lang) or ""


def need_label(name: str, lang: str = "en") -> str:
    """Return the display name of a need level (e.g. ``home_help``)."""
    return _NEEDS.get(name, {}).get(_lang(lang), name.replace("_", " "))


def stage_label(stage: str, lang: str = "en") -> str:
    """Return the display name of an initiative's stage."""
    return _STAGES.get(stage, {}).get(_lang(lang), stage)


def lead_label(lead_type: str, lang: str = "en") -> str:
    """Return the display name of the type of actor leading an initiative."""
    return _LEADS.get(lead_type, {}).get(_lang(lang), lead_type.replace("_", " "))


def kind_label(kind: str, lang: str = "en") -> str:
    """Return the display name of a kind of initiative (its id in words when unknown)."""
    return _KINDS.get(kind, {}).get(_lang(lang), kind.replace("_", " "))
