"""Scenario files: read them, resolve ``extends``, check them, and give clear errors.

A scenario is a TOML file that a strategist edits. Every name in it comes from the parameter
registry (:mod:`simulation.inputs.registry`): run *settings* at the top, *levers* (what a strategist
chooses) and *uncertainties* (what nobody chooses) in their tables, per-unit *overrides* of
levers, and unit-to-unit *variation* for a patchwork. An example with every part::

    name = "strategic-aabenraa"            # optional; defaults to the file name without .toml
    description = "Strategic, with more coordinators in Aabenraa."
    extends = "strategic.toml"             # optional; relative to this file (then scenarios/)

    # Run settings (all optional): scale, seed, replicates, end_year.
    scale = 0.01
    seed = 1
    replicates = 5
    end_year = 2050

    # Optional subset to simulate, by name or code; both lists together give their union.
    # Leave both out (or write "all") to simulate all 98 municipalities.
    municipalities = ["Aabenraa", "Koebenhavn", 751]
    regions = ["Hovedstaden"]

    [levers]                               # any lever; the rest keep their default
    facilitation = 1.0
    public_role = "driver"
    action_plan = true

    [uncertainties]                        # any uncertainty
    effect_scale = 1.0

    [areas.elderly_care]                   # per welfare area (levers with per_unit = yes)
    public_role = "enabler"

    [region."Hovedstaden"]                 # per region
    facilitation = 2.0

    [region."Hovedstaden".areas.health]    # per region and area
    competence = 0.8

    [municipality."Aabenraa"]              # per municipality
    facilitation = 2.5

    [municipality."Aabenraa".areas.employment]   # per municipality and area
    public_role = "enabler"

    [variation]                            # patchwork: each unit draws its own
    facilitation = { dist = "uniform", low = 0.0, high = 0.5 }
    quality_assurance = { dist = "bernoulli", p = 0.2, value = 0.5 }   # else 0 (the default)
    public_role = { dist = "choice", values = ["driver", "enabler"], weights = [3, 1] }
    action_plan = { dist = "bernoulli", p = 0.25 }                     # true with p, else false

**Welfare areas** are :data:`AREAS`. **Places** are names or codes as
:mod:`simulation.inputs.places` resolves them (``"Koebenhavn"``, ``"Århus"``, ``101``;
``"Hovedstaden"``, ``"Region Sjælland"``, ``1084``).

**Precedence.** The value of a lever for one municipality and area is, from weakest to
strongest: the ``[levers]`` value, a draw from ``[variation]``, the region override, the area
override, the region-and-area override, the municipality override, the municipality-and-area
override. :meth:`Scenario.lever_for` applies this order; the model draws the variation with its
seeded random number generator (:func:`sample_variation`) and passes the draws in.

**Regional areas.** Health and psychiatry (``mental_health``) are run by the regions, whose unit
is their strategist (``lever_payer`` = ``region`` in ``areas.csv``): their levers come from
:meth:`Scenario.lever_for_region` (the same order without the municipality overrides), and a
``[municipality."X".areas.health]`` table is an error that names the region's table instead. A
``[variation]`` is drawn once per (region, area) there.

**What ``[region."X"]`` sets.** In the regional areas it sets the region's own units; in the
municipal areas it sets the units of every municipality in the region. So
``[region."Syddanmark".areas.health]`` is the region's health unit and
``[region."Syddanmark".areas.elderly_care]`` the elderly care of Syddanmark's municipalities.

**Units that cannot act.** A unit acts on its levers only where ``adoption`` (drawn once per
municipality and once per region) and ``coverage`` (``coverage x areas``, rounded half up, of its
areas: of six for a municipality, of two for a region) let it. ``adoption`` applies to the whole
country but a region or a municipality may set its own (``adoption = 1`` in ``[region."X"]``,
``[municipality."X"]`` or their ``areas`` tables), so one unit can act alone on top of the
baseline; ``coverage`` is per unit. Loading a scenario warns (one ``warning:`` line on the command
line) when a table sets levers for units that cannot act, naming the table
(:meth:`Scenario.inactive_overrides`); ``scenarios/examples/region-health.toml`` is the working
example.

**Variation** distributions (``dist``), for levers with ``per_unit = yes``:

- ``uniform``: ``low``, ``high`` (number levers).
- ``triangular``: ``low``, ``mode``, ``high`` (number levers).
- ``bernoulli``: ``p``; ``value`` with probability ``p``, else ``otherwise`` (default: the
  lever's default, so 0, false or "driver"); for a true/false lever ``value`` defaults to true.
- ``choice``: ``values`` (a list), optional ``weights`` (non-negative, same length).
- ``none``: no variation (switches off a variation inherited through ``extends``).

**extends.** A file may extend another (chains of up to 20 files; a cycle is an error). The child
overrides its parent key by key; tables are merged deeply; a ``[variation]`` entry is replaced
as a whole; a selection (``municipalities``/``regions``) given in the child replaces the parent's.
A lever set in a child's ``[levers]`` also drops a variation of that lever inherited from a
parent (the child states the value it wants). ``name`` is never inherited (it defaults to the
file name); ``description`` is inherited when the child has none.

**Errors.** Every mistake raises :class:`ScenarioError` with one message that names the file,
the key, what is allowed and the nearest valid name, for example::

    scenarios/my.toml: levers.facilitaton: unknown lever; did you mean 'facilitation'? ...
"""

from __future__ import annotations

from simulation.constants import AREAS  # the welfare areas, re-exported for scenario users
from simulation.scenario.loading import load_scenario, sample_variation, validate_files
from simulation.scenario.messages import ScenarioError
from simulation.scenario.resolved import Scenario
from simulation.scenario.rules import DISTRIBUTIONS, SCENARIO_DIR
from simulation.scenario.values import areas_covered
from simulation.scenario.writer import to_toml

__all__ = [
    "AREAS",
    "DISTRIBUTIONS",
    "SCENARIO_DIR",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "validate_files",
    "sample_variation",
    "areas_covered",
    "to_toml",
]
