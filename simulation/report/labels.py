"""All user-facing text of the report in English and Danish, and number formatting.

Every title, axis label, area and scenario name, table header and report paragraph comes from
here, so that ``lang="da"`` gives a Danish report and a translation is fixed in one place.
Metric descriptions that have no short label here come from ``simulation/inputs/data/metrics.csv``.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import pandas as pd

from simulation.constants import AREAS as NEED_AREAS
from simulation.inputs.data import read_table

__all__ = [
    "LANGUAGES",
    "AREAS",
    "check_lang",
    "fill",
    "text",
    "area_label",
    "scenario_label",
    "scenario_description",
    "metric_label",
    "payer_label",
    "account_label",
    "lever_label",
    "format_number",
]

LANGUAGES = ("en", "da")

AREAS = NEED_AREAS  # the welfare areas, in the model's order

_AREA_LABELS = {
    "en": {
        "elderly_care": "Elderly care",
        "health": "Health",
        "mental_health": "Mental health",
        "employment": "Employment (marginalised)",
        "integration": "Integration",
        "rehabilitation": "Rehabilitation of offenders",
        None: "Strategy (not area-specific)",
    },
    "da": {
        "elderly_care": "Ældrepleje",
        "health": "Sundhed",
        "mental_health": "Psykiatri og psykisk sundhed",
        "employment": "Beskæftigelse (udsatte)",
        "integration": "Integration",
        "rehabilitation": "Resocialisering",
        None: "Strategi (ikke områdespecifik)",
    },
}

_SCENARIO_LABELS = {
    "en": {"baseline": "Baseline", "patchwork": "Patchwork", "strategic": "Strategic"},
    "da": {"baseline": "Basis", "patchwork": "Kludetæppe (patchwork)", "strategic": "Strategisk"},
}

_SCENARIO_DESCRIPTIONS = {
    "en": {
        "baseline": "demography and public provision only, no social innovation: the"
        " counterfactual for the others.",
        "patchwork": "each municipality and welfare area works with volunteers, associations"
        " and enterprises on its own, with settings that differ from place to place, little"
        " evaluation and no deliberate scaling.",
        "strategic": "every municipality and region has one strategy for social innovation"
        " across all its welfare areas, with an action plan that answers the seven questions"
        " (potential, actors, drive, facilitation, competence, scaling, quality).",
    },
    "da": {
        "baseline": "kun demografi og offentlig forsyning, ingen social innovation:"
        " sammenligningsgrundlaget for de andre.",
        "patchwork": "hver kommune og hvert velfærdsområde arbejder for sig med frivillige,"
        " foreninger og virksomheder, forskelligt fra sted til sted, med lidt evaluering og"
        " uden bevidst skalering.",
        "strategic": "hver kommune og region har én samlet strategi for social innovation på"
        " tværs af alle velfærdsområder, med en handlingsplan der besvarer de syv spørgsmål"
        " (potentiale, aktører, drivkraft, facilitering, kompetencer, skalering, kvalitet).",
    },
}

# Who pays: the payers of the budget account and the welfare account's society.
_PAYER_LABELS = {
    "en": {
        "municipality": "Municipalities",
        "region": "Regions",
        "state": "State",
        "total": "Total (all public budgets)",
        "society": "Society",
    },
    "da": {
        "municipality": "Kommuner",
        "region": "Regioner",
        "state": "Staten",
        "total": "I alt (alle offentlige budgetter)",
        "society": "Samfundet",
    },
}

_ACCOUNT_LABELS = {
    "en": {"budget": "Budget account", "welfare": "Welfare-economic account"},
    "da": {"budget": "Budgetøkonomisk opgørelse", "welfare": "Velfærdsøkonomisk opgørelse"},
}

# The levers of the one-lever scenarios (scenarios/levers/), by the article's questions.
_LEVER_LABELS = {
    "en": {
        "potential_mapping": "1 Potential: mapping",
        "actor_mix": "2 Actors: mix",
        "innovation_support": "3 Drive: innovation fund",
        "facilitation": "4 Facilitator: coordinators",
        "competence": "5 Competencies: training",
        "scaling": "6 Scale and spread",
        "quality_assurance": "7 Quality: evaluation",
        "challenge_based": "Challenge-based calls",
        "public_role": "Public sector as driver (not enabler)",
        "coverage": "Coverage of areas",
        "adoption": "Adoption across units",
        "action_plan": "Action plan",
    },
    "da": {
        "potential_mapping": "1 Potentiale: kortlægning",
        "actor_mix": "2 Aktører: sammensætning",
        "innovation_support": "3 Drivkraft: innovationspulje",
        "facilitation": "4 Facilitator: koordinatorer",
        "competence": "5 Kompetencer: uddannelse",
        "scaling": "6 Skalering og spredning",
        "quality_assurance": "7 Kvalitet: evaluering",
        "challenge_based": "Udfordringsbaserede opslag",
        "public_role": "Det offentlige som driver (ikke muliggører)",
        "coverage": "Dækning af områder",
        "adoption": "Udbredelse på tværs af enheder",
        "action_plan": "Handlingsplan",
    },
}

# Short metric names for titles, legends and table rows.
_METRIC_LABELS = {
    "en": {
        "net_cost_dkk": "Net public cost",
        "public_cost_dkk": "Public cost",
        "lever_cost_dkk": "Cost of the strategy",
        "need_cases": "Need cases",
        "unmet_need_cases": "Need no initiative can address",
        "population": "Population",
        "population_65p": "Population 65+",
        "population_80p": "Population 80+",
        "volunteers": "Volunteers",
        "volunteer_hours": "Volunteer hours",
        "marginalised_employed": "Marginalised citizens in jobs",
        "reoffending": "Reoffending",
        "initiatives_running": "Initiatives running",
        "initiatives_started": "Initiatives started",
        "initiatives_scaled": "Initiatives scaled or spread",
        "initiatives_stopped": "Initiatives stopped",
    },
    "da": {
        "net_cost_dkk": "Offentlig nettoudgift",
        "public_cost_dkk": "Offentlig udgift",
        "lever_cost_dkk": "Udgift til strategien",
        "need_cases": "Behovstilfælde",
        "unmet_need_cases": "Behov som intet initiativ kan adressere",
        "population": "Befolkning",
        "population_65p": "Befolkning 65+",
        "population_80p": "Befolkning 80+",
        "volunteers": "Frivillige",
        "volunteer_hours": "Frivillige timer",
        "marginalised_employed": "Udsatte borgere i job",
        "reoffending": "Tilbagefald til kriminalitet",
        "initiatives_running": "Initiativer i drift",
        "initiatives_started": "Initiativer startet",
        "initiatives_scaled": "Initiativer skaleret eller spredt",
        "initiatives_stopped": "Initiativer stoppet",
    },
}

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        # units and axes
        "year": "Year",
        "dkk_bn": "DKK bn (2026 prices)",
        "dkk_bn_short": "DKK bn",
        "persons": "persons",
        "count": "number",
        "hours": "hours",
        "thousand_persons": "persons (thousands)",
        "age": "Age",
        "men": "Men",
        "women": "Women",
        "band": "5th-95th percentile of {n} replicates",
        "band_psa": "5th-95th percentile of {n} parameter draws",
        "single_replicate": "1 replicate (no interval)",
        # figure titles and labels
        "title_net_cost": "Net public cost per year, by scenario",
        "title_cost_by_area": "Public cost by welfare area",
        "title_cost_by_area_one": "Public cost by welfare area: {scenario}",
        "title_difference_by_area": "Difference in net cost to {baseline}, cumulated {start}-{end}",
        "xlabel_difference": "DKK bn (2026 prices); below 0 = saving against {baseline}",
        "total": "Total",
        "title_tile_difference": "{scenario}: change in {metric} {year} against {baseline}",
        "title_tile_growth": "{scenario}: growth in {metric} {start}-{end}",
        "colorbar_difference": "% change against {baseline}",
        "colorbar_growth": "% growth {start}-{end}",
        "not_simulated": "grey: not simulated",
        "title_mobilisation": "Mobilisation of non-public resources",
        "title_pyramid": "Population by age and sex: {scenario}",
        # key-figure table
        "kf_header": "Key figure",
        "kf_unit": "Unit",
        "kf_net_cost_end": "Net public cost {end}",
        "kf_net_cost_cum": "Net public cost, cumulated {start}-{end}",
        "kf_net_cost_end_diff": "Difference to {baseline}, {end}",
        "kf_net_cost_cum_diff": "Difference to {baseline}, cumulated {start}-{end}",
        "kf_public_cost_cum": "Public cost of provision, cumulated {start}-{end}",
        "kf_lever_cost_cum": "Cost of the strategy, cumulated {start}-{end}",
        "kf_volunteers_end": "Volunteers {end}",
        "kf_marginalised_employed_end": "Marginalised citizens in jobs {end}",
        "kf_initiatives_running_end": "Initiatives running {end}",
        "kf_note": "Mean over {n} replicate runs; in brackets the 5th to 95th percentile of the"
        " {n} replicates (with fewer than about 100 runs this is close to their smallest and"
        " largest value, not a 90% interval). Differences to {baseline} are computed replicate by"
        " replicate with the same random numbers (common random numbers), so they show the"
        " effect of the scenario, not chance.",
        # report
        "default_title": "Welfare demand to {end}: social-innovation scenarios",
        "lang_attr": "en",
        "h_key_figures": "Key figures",
        "h_figures": "Figures",
        "h_scenario_files": "Scenario files (fully resolved)",
        "h_manifest": "Run manifest",
        "h_notes": "Notes",
        "intro_1": "This report shows what an agent-based model of Denmark's welfare demand"
        " gives for the years {start} to {end}. Every resident (or a weighted sample) ages,"
        " develops and recovers from needs in six welfare areas, may volunteer, and may be"
        " reached by socially innovative initiatives run with associations, enterprises and"
        " online communities. Costs are in 2026 prices.",
        "intro_scenarios": "The scenarios compared:",
        "intro_scenario_one": "The scenario:",
        "intro_2": "Each scenario was run {n} times with different random numbers; bands and"
        " brackets show the 90% interval over those runs. The model is a tool to question"
        " assumptions, not a forecast: social innovation is no miracle cure, and the strategy"
        " itself costs money, so it can save or cost more depending on the assumptions.",
        "note_no_baseline": "There is no scenario called '{baseline}' in these results, so the"
        " differences to baseline and the comparison figures are left out.",
        "note_single_scenario": "Only one scenario was run, so there is nothing to compare:"
        " the differences to baseline and the comparison figures are left out.",
        "note_no_ages": "No population by age and sex was given, so the population pyramid is"
        " left out.",
        "note_no_mobilisation": "The results hold no volunteer, job or initiative metrics, so"
        " the mobilisation figure is left out.",
        "note_missing_metric": "The results hold no '{metric}' metric, so '{figure}' is left out.",
        "note_partial_country": "The results cover {n} of the 98 municipalities; national"
        " totals in this report are the sums over these.",
        "no_scenario_files": "No scenario files were given.",
        "no_manifest": "No run manifest was given.",
        "figure_files": "Each figure is also saved as PNG and SVG in the folder figures/;"
        " the numbers behind them are in summary.csv and key_figures.csv.",
        # captions
        "cap_net_cost": "National net public cost (public provision plus the cost of the"
        " strategy) per year; line = mean over replicates, band = 90% interval.",
        "cap_cost_by_area": "National public cost of provision per welfare area (mean over"
        " replicates), stacked.",
        "cap_difference_by_area": "Net cost over the whole period minus {baseline}, by"
        " welfare area, with 90% intervals; the strategy's own costs that belong to no area"
        " are a bar of their own. Below zero is a saving.",
        "cap_tile_map": "Change that {scenario} makes to each municipality's net public cost in"
        " {end}, in % of {baseline}; blue = lower cost, red = higher.",
        "cap_tile_growth": "Growth in each municipality's net public cost from {start} to {end}"
        " under {scenario}.",
        "cap_mobilisation": "Volunteers, marginalised citizens in jobs and initiatives by"
        " stage, national totals per year; line = mean, band = 90% interval.",
        "cap_pyramid": "Population by age and sex in {years} ({scenario}); men left, women right.",
        # the economic account
        "kf_pv_saving": "Net saving against {baseline}, present value {start}-{end}: {payer}",
        "kf_payback": "Payback year against {baseline}: {payer}",
        "kf_year": "year",
        "not_by": "not by {end}",
        "kf_note_account": "Net saving = the baseline's public cost and strategy cost less the"
        " scenario's (above 0 = the scenario saves), by who pays; present value in 2026 at a"
        " real discount rate of {rate} a year. The payback year is the first year from which"
        " the cumulated net saving (mean over replicates, undiscounted) stays above 0.",
        "h_account": "The economic account",
        "account_questions": "The budget account answers 'what does it do to the public"
        " budgets, payer by payer?'; the welfare-economic account answers 'is it a good use of"
        " society's resources?'. They answer different questions and are never added together.",
        "acc_account": "Account",
        "acc_payer": "Payer",
        "acc_pv": "{scenario}: present value, DKK bn",
        "acc_payback": "{scenario}: payback year",
        "acc_not_computed": "not computed",
        "acc_note": "Present values in 2026 of the net saving against {baseline} (2026 prices),"
        " {start}-{end}; in brackets the 90% interval over replicates. From economy.csv."
        " Payers as the budgets book it before the budget guarantee: in a strategy all 98"
        " municipalities follow, their saving on transfers flows back to the state through the"
        " budget guarantee and DUT; no payback year for flows under 20 DKK per inhabitant.",
        "acc_no_welfare": "This run's economy table holds no welfare-economic account, so its"
        " row is empty.",
        "title_cash_flow": "Cumulated net saving against {baseline}, by payer",
        "ylabel_cash_flow": "DKK bn (2026 prices, undiscounted)",
        "payback_marker": "payback year",
        "cap_cash_flow": "Net saving against {baseline} (its public and strategy cost less the"
        " scenario's), cumulated year by year without discounting, for each payer; line = mean"
        " over replicates, band = 90% interval, dot = payback year (from there on the cumulated"
        " saving stays above 0). Above 0 the scenario has saved more than it has cost so far.",
        "title_tile_winners": "{scenario}: which municipalities gain and which lose",
        "colorbar_winners": "DKK per inhabitant, present value {start}-{end}",
        "cap_tile_winners": "Present value {start}-{end} of each municipality's own net saving"
        " against {baseline} under {scenario} (the municipal budget only: its public cost and"
        " the strategy cost it pays), per inhabitant; green = the municipality gains, purple ="
        " it loses, centred on 0. The scale covers 95% of the municipalities; beyond it the"
        " colours saturate. Small municipalities are sampled with few citizens, so their"
        " values are the noisiest.",
        # lever table
        "h_levers": "What each lever contributes",
        "lever_intro": "Each one-lever scenario is {reference} with one lever switched off or"
        " changed; what the lever contributes is {reference} less that scenario, replicate by"
        " replicate (common random numbers). Its net present value is the change in the net"
        " saving against {baseline} it brings (the baseline cancels out), by payer; its cost is"
        " the present value of the lever costs it adds: its own cost (the lever's own items, as"
        " the mapping or the coordinators) and the total, which includes the costs it induces in"
        " other levers (grants, contracts, evaluations of the initiatives it brings); the net"
        " present value per DKK is over the total. The intervals are the 5th-95th percentile"
        " of the replicates' differences, the spread over seeds, not a confidence interval for"
        " the mean (its standard error is given beside it). The payer columns show what each"
        " level of government gains; a knock-out switches the lever off for municipalities and"
        " regions at once, so a region reads its own column as its share of a joint change. A"
        " lever is 'within noise' when the 90% interval of its total net present value includes"
        " 0.",
        "lv_lever": "Lever",
        "lv_outcome": "What it changes",
        "lv_outcome_change": "Change",
        "lv_npv": "Net present value, {payer}, DKK bn",
        "lv_cost": "Total cost incl. induced (present value), DKK bn",
        "lv_own_cost": "Own cost (present value), DKK bn",
        "lv_npv_se": "Standard error of the mean net present value, total, DKK bn",
        "lv_per_dkk": "Net present value per DKK of total cost",
        "lv_noise": "Within noise",
        "yes": "yes",
        "no": "no",
        "lv_end": "{metric} {end}",
        "lv_cum": "{metric} {start}-{end}",
        "lv_mean": "Pilot effect lost in ordinary operation, mean per initiative running"
        " (pilots count with none) {end}",
    },
    "da": {
        "year": "År",
        "dkk_bn": "mia. kr. (2026-priser)",
        "dkk_bn_short": "mia. kr.",
        "persons": "personer",
        "count": "antal",
        "hours": "timer",
        "thousand_persons": "personer (tusinder)",
        "age": "Alder",
        "men": "Mænd",
        "women": "Kvinder",
        "band": "5.-95. percentil af {n} gentagelser",
        "band_psa": "5.-95. percentil af {n} parametertrækninger",
        "single_replicate": "1 gentagelse (intet interval)",
        "title_net_cost": "Offentlig nettoudgift pr. år, efter scenarie",
        "title_cost_by_area": "Offentlig udgift efter velfærdsområde",
        "title_cost_by_area_one": "Offentlig udgift efter velfærdsområde: {scenario}",
        "title_difference_by_area": "Forskel i nettoudgift i forhold til {baseline},"
        " akkumuleret {start}-{end}",
        "xlabel_difference": "mia. kr. (2026-priser); under 0 = besparelse i forhold til"
        " {baseline}",
        "total": "I alt",
        "title_tile_difference": "{scenario}: ændring i {metric} {year} i forhold til {baseline}",
        "title_tile_growth": "{scenario}: vækst i {metric} {start}-{end}",
        "colorbar_difference": "% ændring i forhold til {baseline}",
        "colorbar_growth": "% vækst {start}-{end}",
        "not_simulated": "grå: ikke simuleret",
        "title_mobilisation": "Mobilisering af ikke-offentlige ressourcer",
        "title_pyramid": "Befolkning efter alder og køn: {scenario}",
        "kf_header": "Nøgletal",
        "kf_unit": "Enhed",
        "kf_net_cost_end": "Offentlig nettoudgift {end}",
        "kf_net_cost_cum": "Offentlig nettoudgift, akkumuleret {start}-{end}",
        "kf_net_cost_end_diff": "Forskel til {baseline}, {end}",
        "kf_net_cost_cum_diff": "Forskel til {baseline}, akkumuleret {start}-{end}",
        "kf_public_cost_cum": "Offentlig udgift til forsyning, akkumuleret {start}-{end}",
        "kf_lever_cost_cum": "Udgift til strategien, akkumuleret {start}-{end}",
        "kf_volunteers_end": "Frivillige {end}",
        "kf_marginalised_employed_end": "Udsatte borgere i job {end}",
        "kf_initiatives_running_end": "Initiativer i drift {end}",
        "kf_note": "Gennemsnit over {n} gentagne kørsler; i parentes 5. til 95. percentil af de"
        " {n} gentagelser (med færre end omkring 100 kørsler ligger den tæt på den mindste og"
        " største værdi og er ikke et 90 %-interval). Forskelle til {baseline} er beregnet"
        " gentagelse for gentagelse med de samme tilfældige tal (fælles tilfældige tal), så de"
        " viser"
        " scenariets virkning og ikke tilfældigheder.",
        "default_title": "Velfærdsbehov frem til {end}: scenarier for social innovation",
        "lang_attr": "da",
        "h_key_figures": "Nøgletal",
        "h_figures": "Figurer",
        "h_scenario_files": "Scenariefiler (fuldt udfoldet)",
        "h_manifest": "Kørselsmanifest",
        "h_notes": "Bemærkninger",
        "intro_1": "Denne rapport viser, hvad en agentbaseret model af Danmarks velfærdsbehov"
        " giver for årene {start} til {end}. Hver indbygger (eller en vægtet stikprøve) bliver"
        " ældre, får og kommer sig over behov inden for seks velfærdsområder, kan være"
        " frivillig og kan blive nået af socialt innovative initiativer drevet sammen med"
        " foreninger, virksomheder og online-fællesskaber. Beløb er i 2026-priser.",
        "intro_scenarios": "Scenarierne, der sammenlignes:",
        "intro_scenario_one": "Scenariet:",
        "intro_2": "Hvert scenarie er kørt {n} gange med forskellige tilfældige tal; bånd og"
        " parenteser viser 90 %-intervallet over kørslerne. Modellen er et redskab til at"
        " udfordre antagelser, ikke en prognose: social innovation er ingen mirakelkur, og"
        " strategien koster selv penge, så den kan spare eller koste mere afhængigt af"
        " antagelserne.",
        "note_no_baseline": "Der er intet scenarie ved navn '{baseline}' i resultaterne, så"
        " forskelle til basis og sammenligningsfigurerne er udeladt.",
        "note_single_scenario": "Der er kun kørt ét scenarie, så der er intet at sammenligne:"
        " forskelle til basis og sammenligningsfigurerne er udeladt.",
        "note_no_ages": "Der er ikke givet befolkning efter alder og køn, så"
        " befolkningspyramiden er udeladt.",
        "note_no_mobilisation": "Resultaterne indeholder ingen tal for frivillige, job eller"
        " initiativer, så mobiliseringsfiguren er udeladt.",
        "note_missing_metric": "Resultaterne indeholder ikke målet '{metric}', så"
        " '{figure}' er udeladt.",
        "note_partial_country": "Resultaterne omfatter {n} af de 98 kommuner; totaler for"
        " hele landet i denne rapport er summen over disse.",
        "no_scenario_files": "Der er ikke givet nogen scenariefiler.",
        "no_manifest": "Der er ikke givet noget kørselsmanifest.",
        "figure_files": "Hver figur er også gemt som PNG og SVG i mappen figures/; tallene bag"
        " står i summary.csv og key_figures.csv.",
        "cap_net_cost": "Offentlig nettoudgift for hele landet (offentlig forsyning plus"
        " strategiens egne udgifter) pr. år; linje = gennemsnit over gentagelser, bånd ="
        " 90 %-interval.",
        "cap_cost_by_area": "Offentlig udgift til forsyning for hele landet efter"
        " velfærdsområde (gennemsnit over gentagelser), stablet.",
        "cap_difference_by_area": "Nettoudgift over hele perioden minus {baseline}, efter"
        " velfærdsområde, med 90 %-intervaller; strategiens egne udgifter, der ikke hører til"
        " et område, har deres egen søjle. Under nul er en besparelse.",
        "cap_tile_map": "Ændring i hver kommunes offentlige nettoudgift i {end} med"
        " {scenario}, i % af {baseline}; blå = lavere udgift, rød = højere.",
        "cap_tile_growth": "Vækst i hver kommunes offentlige nettoudgift fra {start} til {end}"
        " under {scenario}.",
        "cap_mobilisation": "Frivillige, udsatte borgere i job og initiativer efter fase, hele"
        " landet pr. år; linje = gennemsnit, bånd = 90 %-interval.",
        "cap_pyramid": "Befolkning efter alder og køn i {years} ({scenario}); mænd til venstre,"
        " kvinder til højre.",
        "kf_pv_saving": "Nettobesparelse i forhold til {baseline}, nutidsværdi {start}-{end}:"
        " {payer}",
        "kf_payback": "Tilbagebetalingsår i forhold til {baseline}: {payer}",
        "kf_year": "år",
        "not_by": "ikke inden {end}",
        "kf_note_account": "Nettobesparelse = basisscenariets offentlige udgift og udgift til"
        " strategien minus scenariets (over 0 = scenariet sparer), efter hvem der betaler;"
        " nutidsværdi i 2026 med en real diskonteringsrente på {rate} om året."
        " Tilbagebetalingsåret er det første år, fra hvilket den akkumulerede nettobesparelse"
        " (gennemsnit over gentagelser, udiskonteret) forbliver over 0.",
        "h_account": "Den økonomiske opgørelse",
        "account_questions": "Den budgetøkonomiske opgørelse svarer på 'hvad betyder det for de"
        " offentlige budgetter, betaler for betaler?'; den velfærdsøkonomiske opgørelse svarer"
        " på 'er det en god anvendelse af samfundets ressourcer?'. De svarer på forskellige"
        " spørgsmål og lægges aldrig sammen.",
        "acc_account": "Opgørelse",
        "acc_payer": "Betaler",
        "acc_pv": "{scenario}: nutidsværdi, mia. kr.",
        "acc_payback": "{scenario}: tilbagebetalingsår",
        "acc_not_computed": "ikke beregnet",
        "acc_note": "Nutidsværdier i 2026 af nettobesparelsen i forhold til {baseline}"
        " (2026-priser), {start}-{end}; i parentes 90 %-intervallet over gentagelserne. Fra"
        " economy.csv. Betalerne som budgetterne bogfører det før budgetgarantien: i en"
        " strategi, som alle 98 kommuner følger, går deres besparelse på overførsler tilbage"
        " til staten via budgetgarantien og DUT; intet tilbagebetalingsår for strømme under"
        " 20 kr. pr. indbygger.",
        "acc_no_welfare": "Denne kørsels økonomitabel indeholder ingen velfærdsøkonomisk"
        " opgørelse, så dens række er tom.",
        "title_cash_flow": "Akkumuleret nettobesparelse i forhold til {baseline}, efter betaler",
        "ylabel_cash_flow": "mia. kr. (2026-priser, udiskonteret)",
        "payback_marker": "tilbagebetalingsår",
        "cap_cash_flow": "Nettobesparelse i forhold til {baseline} (dets offentlige udgift og"
        " udgift til strategien minus scenariets), akkumuleret år for år uden diskontering,"
        " for hver betaler; linje = gennemsnit over gentagelser, bånd = 90 %-interval, prik ="
        " tilbagebetalingsår (derfra forbliver den akkumulerede besparelse over 0). Over 0 har"
        " scenariet indtil da sparet mere, end det har kostet.",
        "title_tile_winners": "{scenario}: hvilke kommuner vinder, og hvilke taber",
        "colorbar_winners": "kr. pr. indbygger, nutidsværdi {start}-{end}",
        "cap_tile_winners": "Nutidsværdi {start}-{end} af hver kommunes egen nettobesparelse i"
        " forhold til {baseline} med {scenario} (kun kommunens budget: dens offentlige udgift"
        " og den del af strategiens udgift, den selv betaler), pr. indbygger; grøn = kommunen"
        " vinder, lilla = den taber, centreret om 0. Skalaen dækker 95 % af kommunerne; ud"
        " over den mætter farverne. Små kommuner er repræsenteret ved få simulerede borgere,"
        " så deres værdier er mest usikre.",
        "h_levers": "Hvad hvert håndtag bidrager med",
        "lever_intro": "Hvert ét-håndtags-scenarie er {reference} med ét håndtag slået fra"
        " eller ændret; håndtagets bidrag er {reference} minus det scenarie, gentagelse for"
        " gentagelse (fælles tilfældige tal). Dets nettonutidsværdi er den ændring i"
        " nettobesparelsen i forhold til {baseline}, som det giver (basis går ud), efter"
        " betaler; dets udgift er nutidsværdien af de udgifter til håndtag, det lægger til. Et"
        " håndtag har en egen udgift (dets egne poster, som kortlægningen eller koordinatorerne)"
        " og en samlet udgift, der også rummer de udgifter, det afføder i andre håndtag;"
        " nettonutidsværdien pr. kr. er over den samlede. Intervallerne er 5.-95. percentil af"
        " gentagelsernes forskelle, spredningen over frø, ikke et konfidensinterval for"
        " middelværdien (dens standardfejl står ved siden af). Betalerkolonnerne viser, hvad"
        " hvert forvaltningsniveau vinder; et bortfald slår håndtaget fra i kommuner og regioner"
        " på én gang, så en region læser sin kolonne som sin andel af en fælles ændring. Et"
        " håndtag er 'inden for støjen', når 90 %-intervallet for dets samlede"
        " nettonutidsværdi omfatter 0.",
        "lv_lever": "Håndtag",
        "lv_outcome": "Hvad det ændrer",
        "lv_outcome_change": "Ændring",
        "lv_npv": "Nettonutidsværdi, {payer}, mia. kr.",
        "lv_cost": "Samlet udgift inkl. afledte (nutidsværdi), mia. kr.",
        "lv_own_cost": "Egen udgift (nutidsværdi), mia. kr.",
        "lv_npv_se": "Standardfejl på middel-nettonutidsværdien, i alt, mia. kr.",
        "lv_per_dkk": "Nettonutidsværdi pr. kr. i samlet udgift",
        "lv_noise": "Inden for støjen",
        "yes": "ja",
        "no": "nej",
        "lv_end": "{metric} {end}",
        "lv_cum": "{metric} {start}-{end}",
        "lv_mean": "Pilotens effekt tabt i almindelig drift, gennemsnit pr. igangværende"
        " initiativ (piloter tæller med ingen) {end}",
    },
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language.

    Args:
        lang: Language code.

    Raises:
        ValueError: If ``lang`` is not one of :data:`LANGUAGES`; the message names them.
    """
    if lang not in LANGUAGES:
        allowed = ", ".join(repr(x) for x in LANGUAGES)
        raise ValueError(f"unknown language {lang!r}; allowed values: {allowed}")
    return lang


def text(key: str, lang: str = "en", **fields: Any) -> str:
    """Return one piece of report text in the given language.

    Args:
        key: Text key (for example ``"title_net_cost"``).
        lang: ``"en"`` or ``"da"``.
        **fields: Values for the ``{placeholders}`` in the text.

    Raises:
        ValueError: For an unknown language.
        KeyError: For an unknown key.
    """
    return fill(_TEXT, key, lang, **fields)


def fill(table: dict[str, dict[str, str]], key: str, lang: str = "en", **fields: Any) -> str:
    """Return text ``key`` of a per-language table, with its ``{placeholders}`` filled in.

    The report's texts and the classroom app's texts are looked up the same way.

    Raises:
        ValueError: For an unknown language.
        KeyError: For an unknown key.
    """
    template = table[check_lang(lang)][key]
    return template.format(**fields) if fields else template


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def area_label(area: str | None, lang: str = "en") -> str:
    """Return the display name of a welfare area.

    Args:
        area: Area id such as ``"elderly_care"``; ``None``/NA means costs that belong to no
            area (the strategy's own costs). Unknown ids are returned as they are.
        lang: ``"en"`` or ``"da"``.
    """
    labels = _AREA_LABELS[check_lang(lang)]
    if _is_missing(area):
        return labels[None]
    return labels.get(str(area), str(area))


def scenario_label(name: str, lang: str = "en") -> str:
    """Return the display name of a scenario (unknown names are returned as they are).

    Args:
        name: Scenario name such as ``"patchwork"``.
        lang: ``"en"`` or ``"da"``.
    """
    return _SCENARIO_LABELS[check_lang(lang)].get(name, name)


def scenario_description(name: str, lang: str = "en") -> str | None:
    """Return a one-sentence description of a known scenario, or ``None`` for others.

    Args:
        name: Scenario name.
        lang: ``"en"`` or ``"da"``.
    """
    return _SCENARIO_DESCRIPTIONS[check_lang(lang)].get(name)


def payer_label(payer: str, lang: str = "en") -> str:
    """Return the display name of a payer (``municipality``, ..., ``total``, ``society``)."""
    return _PAYER_LABELS[check_lang(lang)].get(payer, payer)


def account_label(account: str, lang: str = "en") -> str:
    """Return the display name of an account (``budget`` or ``welfare``)."""
    return _ACCOUNT_LABELS[check_lang(lang)].get(account, account)


def lever_label(lever: str, lang: str = "en") -> str:
    """Return the display name of a lever (unknown levers are returned as they are)."""
    return _LEVER_LABELS[check_lang(lang)].get(lever, lever)


@cache
def _catalogue() -> dict[str, tuple[str, str]]:
    try:
        table = read_table("metrics.csv")
    except FileNotFoundError:  # pragma: no cover - the catalogue ships with the package
        return {}
    return {
        row.metric: (row.description, row.description_da) for row in table.itertuples(index=False)
    }


def metric_label(metric: str, lang: str = "en") -> str:
    """Return a short display name of a metric.

    Args:
        metric: Metric id such as ``"volunteers"``.
        lang: ``"en"`` or ``"da"``.

    Returns:
        The short label, else the description from ``metrics.csv``, else the id itself.
    """
    check_lang(lang)
    short = _METRIC_LABELS[lang].get(metric)
    if short is not None:
        return short
    described = _catalogue().get(metric)
    if described is not None:
        return described[0] if lang == "en" else described[1]
    return metric


def format_number(value: float, decimals: int = 1, lang: str = "en") -> str:
    """Format a number with thousands separators in the language's convention.

    English uses ``1,234.5``; Danish uses ``1.234,5``. NaN gives an en dash.

    Args:
        value: The number.
        decimals: Digits after the decimal mark.
        lang: ``"en"`` or ``"da"``.
    """
    check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    out = f"{value:,.{decimals}f}"
    if out.startswith("-") and float(out.replace(",", "")) == 0:
        out = out[1:]
    out = out.replace("-", "−")
    if lang == "da":
        out = out.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return out
