"""Report pieces of the decision analysis: probability table, EVPPI bars, tornado, tile map.

The numbers come from :mod:`simulation.experiments.decision`; this module only lays them out,
in English or Danish (``lang="da"``), with the same conventions as
:mod:`simulation.report.figures`: every figure is a :class:`matplotlib.figure.Figure` built
without pyplot (write it with :func:`simulation.report.figures.save_figure`), amounts are shown
in billion DKK, a Danish decimal comma. Its texts live here (:data:`TEXT`, looked up with
:func:`simulation.report.labels.fill`), so that the shared label module stays untouched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter

from simulation.report import labels
from simulation.report.figures import tile_label
from simulation.report.tilemap import read_tile_grid

__all__ = [
    "UncertaintyParts",
    "TEXT",
    "text",
    "group_label",
    "payer_label",
    "account_label",
    "measure_label",
    "probability_table",
    "evppi_figure",
    "tornado_figure",
    "municipal_probability_map",
]

BILLION = 1e9


@dataclass
class UncertaintyParts:
    """What the report's section "Uncertainty" shows (all from a PSA results folder).

    Attributes:
        draws: number of parameter draws.
        replicates: seed-only replicates at central values beside them.
        numbers: uncertain numbers drawn in each draw.
        main: :func:`simulation.runs.psa.main_difference` (empty without the pair).
        decision: ``decision.csv``.
        evppi: ``evppi.csv`` (empty: not computed).
        municipal: ``municipal_probability.csv`` (empty: not computed).
        tornado: ``tornado.csv``, or ``None``.
        min_draws: below this the EVPPI is only indicative.
    """

    draws: int
    replicates: int
    numbers: int
    main: Mapping[str, Any] = field(default_factory=dict)
    decision: pd.DataFrame = field(default_factory=pd.DataFrame)
    evppi: pd.DataFrame = field(default_factory=pd.DataFrame)
    municipal: pd.DataFrame = field(default_factory=pd.DataFrame)
    tornado: pd.DataFrame | None = None
    min_draws: int = 200


#: The texts of this module, per language.
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "account": "Account",
        "payer": "Payer",
        "comparison": "Comparison",
        "measure": "Measure",
        "probability": "Probability (%; Wilson 95% interval)",
        "mc_se": "MC s.e.",
        "mean_difference": "Mean difference (bn DKK)",
        "range_90": "5th–95th percentile of draws (bn DKK)",
        "n_draws": "Draws",
        "less_than": "{option} costs less than {comparator}",
        "saves_more": "{option} saves more than {comparator}",
        "pv": "Present value {start}-{end}",
        "one_year": "{year} alone",
        "title_evppi": "Value of resolving each group of assumptions (EVPPI)",
        "xlabel_evppi": "Expected value of perfect information, bn DKK (present value)",
        "evpi_line": "All parameters together: {value} bn DKK",
        "evpi_noise": "Total EVPI incl. simulation noise: {value} bn DKK",
        "evppi_note": "{n} draws; bars ±1 s.e. of the regression",
        "title_tornado": "The assumptions that move the result most\n{quantity}",
        "tornado_quantity": "strategic minus patchwork (present value)",
        "xlabel_tornado": "{quantity}, bn DKK",
        "one_at_a_time": "One at a time, the others central",
        "at_low": "Assumption at its low value",
        "at_high": "Assumption at its high value",
        "central": "All central: {value} bn DKK",
        "title_muni_probability": "Probability that {option} saves against {comparator}",
        "colorbar_probability": "Probability (%)",
        "muni_note": "{n} draws per municipality; grey: not simulated",
        "muni_note_masked": "hatched: simulation noise dominates",
        "cap_muni_noise": "Hatched and uncoloured: the {masked} of {total} municipalities where"
        " the seed-only replicates at central values vary more than half as much (in variance)"
        " as the draws, so the share of draws mostly reflects the simulation's noise at this"
        " scale (municipal_probability.csv, columns seed_variance_share and"
        " seed_noise_dominates).",
        # the wired outputs: key figures, the report's section
        "kf_main_psa": "{first} minus {second}, present value of net public cost {start}-{end}:"
        " PSA mean",
        "kf_main_base": "{first} minus {second}, present value of net public cost {start}-{end}:"
        " base case (central values, mean of {n} seeds)",
        "kf_p_less": "Probability that strategic costs less than {comparator} (present value,"
        " {payer})",
        "h_uncertainty": "Uncertainty: how sure is the answer?",
        "unc_intro": "Every figure above rests on {draws} parameter draws: each draw sets all"
        " {numbers} uncertain numbers of the model (effects, prices, lever costs, noise,"
        " lifetimes, demography, trends, discounting) from their ranges and gives the run its"
        " own seed, and all three scenarios run each draw with the same numbers and seed"
        " (common random numbers). Beside them, {replicates} replicate runs at the central"
        " values, differing only in their seed, show the noise of the simulation alone.",
        "unc_main": "{first} minus {second}, present value of the net public cost"
        " {start}-{end}: mean {mean} bn DKK (Monte Carlo standard error {mc_se} bn DKK: how far"
        " the mean could move with other draws of the same size); 5th to 95th percentile of the"
        " draws {p05} to {p95} bn DKK (with fewer than about 100 draws close to their range, not"
        " a 90% interval).",
        "unc_spread": "Base case (every number at its central value, mean over the seed-only"
        " replicates): {mean_seed} bn DKK, beside the PSA mean above (draws from skewed ranges"
        " move the mean away from the base case). Spread (standard deviation) of that difference"
        " over the parameter draws: {sd_psa} bn DKK; over seeds alone at central values:"
        " {sd_seed} bn DKK, so the simulation's noise is about {share} of the variance over the"
        " draws (per account and payer: uncertainty.csv, column seed_variance_share). {verdict}",
        "verdict_parameters": "Parameter uncertainty dominates the simulation's own noise.",
        "verdict_larger": "Parameter uncertainty is the larger part of the spread.",
        "verdict_noise": "At this scale the simulation's noise is as large as the parameter"
        " uncertainty: run at a larger scale before reading the spread as parameter uncertainty.",
        "unc_few_draws": "With {draws} draws the probabilities are coarse (steps of"
        " {step} percentage points; the Wilson 95% interval in brackets shows how little they"
        " pin down, and 0% or 100% means only that no draw disagreed). Rerun with --draws 100"
        " or more before quoting them.",
        "h_probabilities": "Probability that the strategic approach costs less",
        "prob_note": "Per account and payer: the share of draws in which strategic's net cost"
        " is below patchwork's or the baseline's (in brackets its Wilson 95% interval: Wilson 1927;"
        " Brown, Cai and DasGupta 2001), and the mean"
        " difference strategic minus the other (negative: strategic costs less). Public budgets:"
        " public cost of provision plus the strategy's cost, by who pays; welfare economic:"
        " society's net resource cost. Table: decision.csv.",
        "h_evppi": "Which uncertainty is worth an evaluation first (EVPPI)",
        "evppi_intro": "The expected value of partial perfect information (EVPPI) of a group of"
        " assumptions is what knowing it exactly would be worth to the choice between baseline,"
        " patchwork and strategic, in present value of public net cost, estimated from the draws"
        " with a regression metamodel (Strong, Oakley and Brennan 2014). Table: evppi.csv.",
        "evppi_indicative": "Indicative only: {draws} draws are far too few for this method"
        " (it is usually applied to thousands; below {min_draws} draws evppi.csv flags every"
        " row as indicative). {above} of the {groups} groups stand out from their permutation"
        " null by more than two standard errors. Do not rank the groups from this chart; rerun"
        " with --draws {min_draws} or more.",
        "evppi_ok": "{draws} draws; {above} of the {groups} groups stand out from their"
        " permutation null by more than two standard errors (column above_null of evppi.csv).",
        "evppi_none": "No EVPPI: it needs at least 5 draws.",
        "cap_evppi": "EVPPI of each group of assumptions, total of the public budgets (bars ±1"
        " standard error).",
        "h_muni_probability": "Where the strategy saves",
        "cap_muni_probability": "Per municipality, the share of draws in which strategic's"
        " present value of net public cost {start}-{end} is below the baseline's (all payers"
        " of the municipality's citizens). Table: municipal_probability.csv (also against"
        " patchwork).",
        "h_tornado": "The assumptions that move the result most (tornado)",
        "cap_tornado": "Strategic minus patchwork, present value of net public cost: each"
        " assumption alone at the low and the high end of its range, the others central (one"
        " seed per run pair, common random numbers). Table: tornado.csv.",
        "no_tornado": "No tornado chart in this folder: make one with python run.py tornado"
        " --from {folder} (it runs each of the top assumptions at its low and high end).",
        "intro_2_psa": "Each scenario was run with {n} parameter draws (every uncertain number"
        " drawn from its range, one seed per draw, shared by the scenarios); bands and brackets"
        " show the 5th to 95th percentile of those draws (with fewer than about 100 draws close"
        " to their range, not a 90% interval), so they include parameter uncertainty. The"
        " model is a tool to question assumptions, not a forecast: social innovation is no"
        " miracle cure, and the strategy itself costs money, so it can save or cost more"
        " depending on the assumptions.",
        "this_folder": "<this folder>",
        "kf_note_psa": "Mean over {n} parameter draws; in brackets the 5th to 95th percentile of"
        " the {n} draws (parameter uncertainty and the simulation's noise together; with fewer"
        " than about 100 draws this is close to the range of the draws, not a 90% interval)."
        " Differences to {baseline} are computed draw by draw with the same parameters and"
        " random numbers (common random numbers). The probabilities are shares of draws, in"
        " brackets their Wilson 95% interval. The base case is every number at its central"
        " value, averaged over the seed-only replicates.",
    },
    "da": {
        "account": "Regnskab",
        "payer": "Betaler",
        "comparison": "Sammenligning",
        "measure": "Mål",
        "probability": "Sandsynlighed (%; Wilson 95 %-interval)",
        "mc_se": "MC-spredning",
        "mean_difference": "Gns. forskel (mia. kr.)",
        "range_90": "5.–95. percentil af trækningerne (mia. kr.)",
        "n_draws": "Trækninger",
        "less_than": "{option} koster mindre end {comparator}",
        "saves_more": "{option} sparer mere end {comparator}",
        "pv": "Nutidsværdi {start}-{end}",
        "one_year": "{year} alene",
        "title_evppi": "Værdien af at afklare hver gruppe af antagelser (EVPPI)",
        "xlabel_evppi": "Forventet værdi af fuld information, mia. kr. (nutidsværdi)",
        "evpi_line": "Alle parametre samlet: {value} mia. kr.",
        "evpi_noise": "Samlet EVPI inkl. simulationsstøj: {value} mia. kr.",
        "evppi_note": "{n} trækninger; søjler ±1 standardfejl fra regressionen",
        "title_tornado": "De antagelser der flytter resultatet mest\n{quantity}",
        "tornado_quantity": "strategisk minus kludetæppe (nutidsværdi)",
        "xlabel_tornado": "{quantity}, mia. kr.",
        "one_at_a_time": "Én ad gangen, de andre centrale",
        "at_low": "Antagelse ved sin lave værdi",
        "at_high": "Antagelse ved sin høje værdi",
        "central": "Alle centrale: {value} mia. kr.",
        "title_muni_probability": "Sandsynlighed for at {option} sparer i forhold til {comparator}",
        "colorbar_probability": "Sandsynlighed (%)",
        "muni_note": "{n} trækninger pr. kommune; grå: ikke simuleret",
        "muni_note_masked": "skraveret: simulationsstøjen dominerer",
        "cap_muni_noise": "Skraveret og uden farve: de {masked} af {total} kommuner, hvor"
        " kørslerne med kun frø ved centrale værdier varierer mere end halvt så meget (i"
        " varians) som trækningerne, så andelen af trækninger mest afspejler simulationens støj"
        " ved denne skala (municipal_probability.csv, kolonnerne seed_variance_share og"
        " seed_noise_dominates).",
        "kf_main_psa": "{first} minus {second}, nutidsværdi af offentlig nettoudgift"
        " {start}-{end}: PSA-gennemsnit",
        "kf_main_base": "{first} minus {second}, nutidsværdi af offentlig nettoudgift"
        " {start}-{end}: basisberegning (centrale værdier, gennemsnit af {n} frø)",
        "kf_p_less": "Sandsynlighed for at strategisk koster mindre end {comparator}"
        " (nutidsværdi, {payer})",
        "h_uncertainty": "Usikkerhed: hvor sikkert er svaret?",
        "unc_intro": "Alle tal ovenfor bygger på {draws} parametertrækninger: hver trækning"
        " sætter alle modellens {numbers} usikre tal (effekter, priser, omkostninger ved greb,"
        " støj, levetider, demografi, tendenser, diskontering) ud fra deres intervaller og giver"
        " kørslen sit eget frø, og alle tre scenarier kører hver trækning med de samme tal og det"
        " samme frø (fælles tilfældige tal). Ved siden af viser {replicates} gentagne kørsler"
        " ved de centrale værdier, der kun adskiller sig ved frøet, simulationens egen støj.",
        "unc_main": "{first} minus {second}, nutidsværdi af den offentlige nettoudgift"
        " {start}-{end}: gennemsnit {mean} mia. kr. (Monte Carlo-standardfejl {mc_se} mia. kr.:"
        " hvor meget gennemsnittet kunne flytte sig med andre trækninger af samme antal); 5. til"
        " 95. percentil af trækningerne {p05} til {p95} mia. kr. (med færre end omkring 100"
        " trækninger tæt på deres spænd, ikke et 90 %-interval).",
        "unc_spread": "Basisberegning (alle tal ved deres centrale værdi, gennemsnit over"
        " kørslerne med kun frø): {mean_seed} mia. kr., ved siden af PSA-gennemsnittet ovenfor"
        " (trækninger fra skæve intervaller flytter gennemsnittet væk fra basisberegningen)."
        " Spredning (standardafvigelse) af forskellen over parametertrækningerne: {sd_psa} mia."
        " kr.; over frø alene ved centrale værdier: {sd_seed} mia. kr., så simulationens støj"
        " er omkring {share} af variansen over trækningerne (pr. regnskab og betaler:"
        " uncertainty.csv, kolonnen seed_variance_share). {verdict}",
        "verdict_parameters": "Parameterusikkerheden dominerer simulationens egen støj.",
        "verdict_larger": "Parameterusikkerheden er den største del af spredningen.",
        "verdict_noise": "Ved denne skala er simulationens støj lige så stor som"
        " parameterusikkerheden: kør ved en større skala, før spredningen læses som"
        " parameterusikkerhed.",
        "unc_few_draws": "Med {draws} trækninger er sandsynlighederne grove (trin på {step}"
        " procentpoint; Wilson 95 %-intervallet i parentes viser, hvor lidt de siger, og 0 %"
        " eller 100 %"
        " betyder kun, at ingen trækning var uenig). Kør igen med --draws 100 eller flere, før"
        " de citeres.",
        "h_probabilities": "Sandsynligheden for at den strategiske tilgang koster mindre",
        "prob_note": "Pr. regnskab og betaler: andelen af trækninger, hvor strategisk"
        " nettoudgift er under kludetæppets eller basisscenariets (i parentes Wilson"
        " 95 %-intervallet),"
        " og den gennemsnitlige forskel strategisk minus den anden (negativ: strategisk koster"
        " mindre). Offentlige budgetter: offentlig udgift til forsyning plus strategiens udgift,"
        " efter hvem der betaler; velfærdsøkonomisk: samfundets nettoressourceforbrug. Tabel:"
        " decision.csv.",
        "h_evppi": "Hvilken usikkerhed er først værd at evaluere (EVPPI)",
        "evppi_intro": "Den forventede værdi af delvis fuld information (EVPPI) for en gruppe"
        " antagelser er, hvad det ville være værd for valget mellem basis, kludetæppe og"
        " strategisk at kende den præcist, i nutidsværdi af offentlig nettoudgift, estimeret"
        " fra trækningerne med en regressionsmetamodel (Strong, Oakley og Brennan 2014). Tabel:"
        " evppi.csv.",
        "evppi_indicative": "Kun vejledende: {draws} trækninger er alt for få til metoden (den"
        " bruges normalt på tusinder; under {min_draws} trækninger markerer evppi.csv alle rækker"
        " som vejledende). {above} af de {groups} grupper skiller sig ud fra deres"
        " permutationsnulværdi med mere end to standardfejl. Ranger ikke grupperne ud fra"
        " figuren; kør igen med --draws {min_draws} eller flere.",
        "evppi_ok": "{draws} trækninger; {above} af de {groups} grupper skiller sig ud fra"
        " deres permutationsnulværdi med mere end to standardfejl (kolonnen above_null i"
        " evppi.csv).",
        "evppi_none": "Ingen EVPPI: den kræver mindst 5 trækninger.",
        "cap_evppi": "EVPPI for hver gruppe af antagelser, de offentlige budgetter i alt"
        " (søjler ±1 standardfejl).",
        "h_muni_probability": "Hvor strategien sparer",
        "cap_muni_probability": "Pr. kommune: andelen af trækninger, hvor strategisk"
        " nutidsværdi af offentlig nettoudgift {start}-{end} er under basisscenariets (alle"
        " betalere for kommunens borgere). Tabel: municipal_probability.csv (også mod"
        " kludetæppe).",
        "h_tornado": "De antagelser der flytter resultatet mest (tornado)",
        "cap_tornado": "Strategisk minus kludetæppe, nutidsværdi af offentlig nettoudgift: hver"
        " antagelse alene ved den lave og den høje ende af sit interval, de andre centrale (ét"
        " frø pr. kørselspar, fælles tilfældige tal). Tabel: tornado.csv.",
        "no_tornado": "Ingen tornadofigur i denne mappe: lav en med python run.py tornado"
        " --from {folder} (den kører hver af de vigtigste antagelser ved sin lave og høje"
        " ende).",
        "intro_2_psa": "Hvert scenarie er kørt med {n} parametertrækninger (alle usikre tal"
        " trukket fra deres intervaller, ét frø pr. trækning, fælles for scenarierne); bånd og"
        " parenteser viser 5. til 95. percentil af trækningerne (med færre end omkring 100"
        " trækninger tæt på deres spænd, ikke et 90 %-interval), så de omfatter"
        " parameterusikkerhed. Modellen er et redskab til at udfordre antagelser, ikke en"
        " prognose: social innovation er ingen mirakelkur, og strategien koster selv penge, så"
        " den kan spare eller koste mere afhængigt af antagelserne.",
        "this_folder": "<denne mappe>",
        "kf_note_psa": "Gennemsnit over {n} parametertrækninger; i parentes 5. til 95. percentil"
        " af de {n} trækninger (parameterusikkerhed og simulationens støj tilsammen; med færre"
        " end omkring 100 trækninger ligger den tæt på trækningernes spænd og er ikke et"
        " 90 %-interval). Forskelle til {baseline} er beregnet trækning for trækning med de samme"
        " parametre og tilfældige tal (fælles tilfældige tal). Sandsynlighederne er andele af"
        " trækningerne, i parentes deres Wilson 95 %-interval. Basisberegningen er alle tal ved"
        " deres centrale værdi, gennemsnit over kørslerne med kun frø.",
    },
}

_GROUPS = {
    "en": {
        "effects": "Effects of initiatives",
        "prices": "Prices",
        "lever_costs": "Costs of the levers",
        "noise": "Screening and evaluation noise",
        "lifetimes": "Lifetimes of initiatives",
        "demography": "Demography",
        "trends": "Trends",
        "economics": "Economics (discounting)",
        "needs": "Need levels",
    },
    "da": {
        "effects": "Initiativernes effekter",
        "prices": "Priser",
        "lever_costs": "Omkostninger ved greb",
        "noise": "Støj i udvælgelse og evaluering",
        "lifetimes": "Initiativernes levetid",
        "demography": "Demografi",
        "trends": "Tendenser",
        "economics": "Økonomi (diskontering)",
        "needs": "Behovsniveauer",
    },
}

_PAYERS = {
    "en": {
        "municipality": "Municipalities",
        "region": "Regions",
        "state": "State",
        "total": "All public",
        "society": "Society",
    },
    "da": {
        "municipality": "Kommuner",
        "region": "Regioner",
        "state": "Staten",
        "total": "Hele den offentlige sektor",
        "society": "Samfundet",
    },
}

_ACCOUNTS = {
    "en": {"budget": "Public budgets", "welfare": "Welfare economic"},
    "da": {"budget": "Offentlige budgetter", "welfare": "Velfærdsøkonomisk"},
}

_LOW_COLOR = "#1b7bb8"
_HIGH_COLOR = "#d95f02"
_BAR_COLOR = "#4e79a7"
_MISSING_TILE = "#e6e6e6"


def text(key: str, lang: str = "en", **fields: object) -> str:
    """Return one text of this module in the given language (see :data:`TEXT`).

    Raises:
        ValueError: For an unknown language.
        KeyError: For an unknown key.
    """
    return labels.fill(TEXT, key, lang, **fields)


def group_label(group: str, lang: str = "en") -> str:
    """Display name of a parameter group (``effects``, ``prices``...); unknown ones as they are."""
    return _GROUPS[labels.check_lang(lang)].get(group, group)


def payer_label(payer: str, lang: str = "en") -> str:
    """Display name of a payer (``municipality``, ``region``, ``state``, ``total``, ``society``)."""
    return _PAYERS[labels.check_lang(lang)].get(payer, payer)


def account_label(account: str, lang: str = "en") -> str:
    """Display name of an account (``budget``, ``welfare``); unknown ones as they are."""
    return _ACCOUNTS[labels.check_lang(lang)].get(account, account)


def measure_label(kind: str, lang: str = "en", **fields: object) -> str:
    """Label of a measure: ``"pv"`` (fields ``start``, ``end``) or ``"one_year"`` (``year``)."""
    return text(kind, lang, **fields)


def _number(value: float, decimals: int, lang: str) -> str:
    return labels.format_number(value, decimals, lang)


def _significant(value: float, lang: str) -> str:
    """A parameter value to three significant digits, with the language's decimal mark."""
    out = f"{value:.3g}".replace("-", "−")
    return out.replace(".", ",") if lang == "da" else out


def _formatter(lang: str, decimals: int = 1) -> FuncFormatter:
    return FuncFormatter(lambda v, _: _number(v, decimals, lang))


def probability_table(
    probabilities: pd.DataFrame,
    lang: str = "en",
    measure: str | Mapping[str, str] | None = None,
    lower_is_better: bool = True,
    scale: float = BILLION,
) -> pd.DataFrame:
    """The probability table of the report, with display labels and formatted numbers.

    Args:
        probabilities: :func:`simulation.experiments.decision.decision_probabilities`' table,
            optionally with ``account``, ``payer`` and ``measure`` columns.
        lang: ``"en"`` or ``"da"``.
        measure: Without a ``measure`` column: one label for the whole table, or a label per
            value column (``{"pv_net_cost": measure_label("pv", lang, start=2026, end=2050),
            "net_cost_end": measure_label("one_year", lang, year=2050)}``), looked up by the
            table's ``value`` column.
        lower_is_better: Whether the values were costs (the comparison then reads "costs less
            than") or savings ("saves more than").
        scale: Divisor of the amounts (default: billions).

    Returns:
        One row per input row, all columns text: account, payer, measure (those present),
        comparison, probability with its Monte Carlo standard error, mean difference with its
        standard error, the 5th-95th percentile of the difference over draws, and the number
        of draws.
    """
    labels.check_lang(lang)
    key = "less_than" if lower_is_better else "saves_more"
    rows = []
    for row in probabilities.to_dict("records"):
        out: dict[str, str] = {}
        if "account" in row:
            out[text("account", lang)] = account_label(str(row["account"]), lang)
        if "payer" in row:
            out[text("payer", lang)] = payer_label(str(row["payer"]), lang)
        if "measure" in row:
            out[text("measure", lang)] = str(row["measure"])
        elif isinstance(measure, Mapping):
            value = str(row.get("value", ""))
            out[text("measure", lang)] = str(measure.get(value, value))
        elif measure is not None:
            out[text("measure", lang)] = str(measure)
        out[text("comparison", lang)] = text(
            key,
            lang,
            option=labels.scenario_label(str(row["option"]), lang),
            comparator=labels.scenario_label(str(row["comparator"]), lang).lower(),
        )
        if "probability_low" in row:
            out[text("probability", lang)] = (
                f"{_number(100 * row['probability'], 0, lang)}"
                f" ({_number(100 * row['probability_low'], 0, lang)}"
                f"–{_number(100 * row['probability_high'], 0, lang)})"
            )
        else:
            out[text("probability", lang)] = (
                f"{_number(100 * row['probability'], 0, lang)}"
                f" ± {_number(100 * row['probability_se'], 0, lang)}"
            )
        out[text("mean_difference", lang)] = (
            f"{_number(row['mean_difference'] / scale, 1, lang)}"
            f" ± {_number(row['mean_difference_se'] / scale, 1, lang)}"
        )
        out[text("range_90", lang)] = (
            f"{_number(row['difference_p05'] / scale, 1, lang)}"
            f" – {_number(row['difference_p95'] / scale, 1, lang)}"
        )
        out[text("n_draws", lang)] = str(int(row["n_draws"]))
        rows.append(out)
    return pd.DataFrame(rows)


def evppi_figure(
    evppi: pd.DataFrame, lang: str = "en", n_draws: int | None = None, scale: float = BILLION
) -> Figure:
    """Horizontal bars of the EVPPI of each group of assumptions, largest on top.

    Args:
        evppi: :func:`simulation.experiments.decision.evppi_table`'s table (rows of kind
            ``group`` are drawn; the ``all`` and ``evpi`` rows, if present, are named in the
            legend).
        lang: ``"en"`` or ``"da"``.
        n_draws: Number of PSA draws, for the note.
        scale: Divisor of the amounts (default: billions).
    """
    labels.check_lang(lang)
    groups = evppi[evppi["kind"] == "group"].sort_values("evppi")
    fig = Figure(figsize=(7.5, 0.45 * max(len(groups), 3) + 1.8), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(groups))
    se = groups["se"].to_numpy(dtype=float) / scale
    ax.barh(
        y,
        groups["evppi"].to_numpy(dtype=float) / scale,
        xerr=np.where(np.isfinite(se), se, 0.0),
        color=_BAR_COLOR,
        ecolor="0.3",
        capsize=3,
    )
    ax.set_yticks(y, [group_label(str(g), lang) for g in groups["name"]])
    ax.set_xlabel(text("xlabel_evppi", lang))
    ax.xaxis.set_major_formatter(_formatter(lang, 2))
    ax.set_xlim(left=0)
    ax.grid(True, axis="x", alpha=0.3)
    handles = []
    for kind, key, style in (("all", "evpi_line", "--"), ("evpi", "evpi_noise", ":")):
        row = evppi[evppi["kind"] == kind]
        if not row.empty:
            value = float(row["evppi"].iloc[0]) / scale
            ax.axvline(value, color="0.2", ls=style, lw=1)
            label = text(key, lang, value=_number(value, 2, lang))
            handles.append(ax.plot([], [], color="0.2", ls=style, lw=1, label=label)[0])
    if handles:
        ax.legend(handles=handles, loc="lower right", fontsize=8)
    ax.set_title(text("title_evppi", lang), fontsize=11)
    if n_draws is not None:
        fig.text(0.01, 0.01, text("evppi_note", lang, n=n_draws), fontsize=7, color="0.4")
    return fig


def tornado_figure(
    tornado: pd.DataFrame,
    lang: str = "en",
    n: int = 10,
    names: Mapping[str, str] | None = None,
    scale: float = BILLION,
) -> Figure:
    """The tornado chart: the ``n`` assumptions of largest swing, bars from the central outcome.

    Args:
        tornado: :func:`simulation.experiments.decision.tornado_table`'s table (sorted).
        lang: ``"en"`` or ``"da"``.
        n: How many assumptions to show.
        names: Display names of the parameters (default: the dotted names).
        scale: Divisor of the amounts (default: billions).
    """
    labels.check_lang(lang)
    top = tornado.head(n).iloc[::-1]
    centre = float(tornado["central"].iloc[0]) / scale if len(tornado) else 0.0
    fig = Figure(figsize=(8.0, 0.42 * max(len(top), 3) + 1.8), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(top))
    for i, (_, row) in enumerate(top.iterrows()):
        sides = [
            (float(row[f"outcome_{side}"]) / scale - centre, color)
            for side, color in (("low", _LOW_COLOR), ("high", _HIGH_COLOR))
        ]
        # the longer bar first, so that both show when they lie on the same side
        for width, color in sorted(sides, key=lambda item: -abs(item[0])):
            ax.barh(y[i], width, left=centre, color=color, height=0.7, alpha=0.9)
    names = names or {}

    def tick(row: pd.Series) -> str:
        name = names.get(row["parameter"], row["parameter"])
        low, high = _significant(row["low"], lang), _significant(row["high"], lang)
        return f"{name} ({low} / {high})"

    ax.set_yticks(y, [tick(row) for _, row in top.iterrows()], fontsize=8)
    ax.axvline(centre, color="0.2", lw=1)
    quantity = text("tornado_quantity", lang)
    ax.set_xlabel(text("xlabel_tornado", lang, quantity=quantity[:1].upper() + quantity[1:]))
    ax.xaxis.set_major_formatter(_formatter(lang, 1))
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(
        handles=[
            Patch(color=_LOW_COLOR, label=text("at_low", lang)),
            Patch(color=_HIGH_COLOR, label=text("at_high", lang)),
            ax.plot(
                [],
                [],
                color="0.2",
                lw=1,
                label=text("central", lang, value=_number(centre, 1, lang)),
            )[0],
        ],
        fontsize=8,
        title=text("one_at_a_time", lang),
        title_fontsize=8,
        loc="best",
    )
    ax.set_title(text("title_tornado", lang, quantity=quantity), fontsize=11)
    return fig


def municipal_probability_map(
    probability: pd.Series,
    lang: str = "en",
    option: str = "strategic",
    comparator: str = "baseline",
    n_draws: int | None = None,
    masked: Iterable[int] = (),
) -> Figure:
    """The 98 municipalities as tiles, coloured by the probability that the strategy saves.

    The layout is the report's tile map (:func:`simulation.report.tilemap.read_tile_grid`);
    the colours run from red (0%: never saves) through white (50%) to blue (100%: always
    saves). Municipalities without a value are grey.

    Args:
        probability: Per municipality code, a probability in [0, 1]
            (:func:`simulation.experiments.decision.municipal_saving_probability`).
        lang: ``"en"`` or ``"da"``.
        option: The scenario that saves (for the title).
        comparator: The scenario it is compared with (for the title).
        n_draws: Draws per municipality, for the note (default: from ``probability.attrs``).
        masked: Municipality codes whose probability is masked (hatched, no colour): where the
            simulation's noise dominates the spread over the draws
            (:func:`simulation.runs.psa.municipal_probability`, ``seed_noise_dominates``).
    """
    labels.check_lang(lang)
    masked = {int(c) for c in masked}
    values = pd.Series(probability, dtype=float)
    values.index = values.index.astype(int)
    grid = read_tile_grid()
    grid["value"] = grid["code"].map(values)
    norm = Normalize(0.0, 100.0)
    cmap = colormaps["RdBu"]
    n_rows, n_cols = int(grid["row"].max()) + 1, int(grid["col"].max()) + 1
    fig = Figure(figsize=(0.55 * n_cols + 1.8, 0.55 * n_rows + 1.0), layout="constrained")
    ax = fig.subplots()
    for tile in grid.itertuples(index=False):
        missing = not np.isfinite(tile.value)
        noisy = not missing and int(tile.code) in masked
        face = _MISSING_TILE if missing or noisy else cmap(norm(100 * tile.value))
        ax.add_patch(
            Rectangle(
                (tile.col, tile.row),
                0.94,
                0.94,
                facecolor=face,
                edgecolor="0.6" if noisy else "white",
                lw=0.5,
                hatch="////" if noisy else None,
            )
        )
        tile_label(ax, tile, face, missing)
    ax.set_xlim(-0.3, n_cols + 0.3)
    ax.set_ylim(n_rows + 0.3, -0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(
        text(
            "title_muni_probability",
            lang,
            option=labels.scenario_label(option, lang).lower(),
            comparator=labels.scenario_label(comparator, lang).lower(),
        ),
        fontsize=11,
    )
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6, pad=0.02)
    bar.set_label(text("colorbar_probability", lang))
    bar.ax.yaxis.set_major_formatter(_formatter(lang, 0))
    if n_draws is None:
        counts = probability.attrs.get("n_draws")
        n_draws = int(np.min(counts)) if counts is not None and len(counts) else None
    if n_draws is not None:
        note = text("muni_note", lang, n=n_draws)
        if masked:
            note += "; " + text("muni_note_masked", lang)
        ax.text(0, n_rows + 0.1, note, fontsize=8, color="0.4")
    return fig
