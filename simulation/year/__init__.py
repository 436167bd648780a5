"""The steps of a simulated year, one module each, in the order ``WelfareModel.step`` runs them.

=====  ==================================  ====================================================
step   module                              what it does
=====  ==================================  ====================================================
1      :mod:`simulation.year.demography`   deaths, emigration, moves, births, ageing and the
                                           alignment to the projection (replayed from a kept
                                           run by :mod:`simulation.year.trajectories`)
2      :mod:`simulation.year.needs_step`   need levels entered, changed and left, with the
                                           probabilities of :mod:`simulation.year.needs` and the
                                           initiatives' effects on the citizens they reach
3      :mod:`simulation.year.provision`    every need met by the public unit and costed; costs
                                           booked by area, municipality and region
4      :mod:`simulation.year.civil_society`  volunteers start and stop; associations, online
                                           communities and enterprises organise them and hire
5      :mod:`simulation.year.strategy`     units frame challenges; actors propose initiatives;
                                           units select, fund, facilitate, evaluate, stop and
                                           scale them; :mod:`simulation.year.reach` assigns
                                           who each initiative reaches
6      :mod:`simulation.year.collection`   the year's results, in the tidy long table
=====  ==================================  ====================================================

Kernels the steps share: :mod:`simulation.year.groups` (drawing from groups of rows),
:mod:`simulation.year.random_bits` (uniforms from raw generator output) and
:mod:`simulation.year.threads` (row chunks in two threads for large populations).

Where each lever acts
---------------------

A scenario's levers are resolved per public unit (municipality x area) by
:func:`simulation.actors.unit_levers.resolve_unit_levers`; the mechanisms then read them as
columns of :class:`simulation.year.strategy.Strategy` (``unit_lever``):

===================== ============ ==========================================================
lever                 question     functions it acts in
===================== ============ ==========================================================
``potential_mapping`` 1 potential  ``Strategy._match`` (partners a unit knows, within its
                                   ``Strategy.matching_capacity``);
                                   ``civil_society_step`` -> ``CivilSociety.step`` (asking the
                                   would-volunteer-if-asked); ``Strategy._book_fixed_costs``
``actor_mix``         2 actors     ``Strategy._set_up_units`` (actor-type weights,
                                   :func:`simulation.year.strategy.actor_weights`)
``innovation_support`` 3 drive     ``Strategy._set_up_units`` (proposal rate);
                                   ``Strategy._book_fixed_costs`` (the fund)
``facilitation``      4 facilitate ``Strategy._set_up_units`` (proposal rate),
                                   ``Strategy.matching_capacity`` (partnerships matched),
                                   ``Strategy._book_transaction`` (transaction cost),
                                   ``Strategy._lifecycle`` (pilot success),
                                   ``CivilSociety.step`` (volunteer retention),
                                   ``Strategy._book_fixed_costs`` (coordinators)
``competence``        5 skills     ``Strategy._propose`` (screening noise);
                                   ``Strategy._fidelity`` (effect in operation against the
                                   pilot); ``Strategy._lifecycle`` (scaling);
                                   ``Strategy._book_fixed_costs`` (training)
``scaling``           6 scale      ``Strategy._lifecycle`` (scaling), ``Strategy._spread``
``quality_assurance`` 7 quality    ``Strategy._lifecycle`` (evaluation and stopping)
``challenge_based``   approach     ``Strategy._set_up_units`` (proposal rate),
                                   ``Strategy._propose`` (open calls against the incumbent)
``public_role``       driver or    ``Strategy._set_up_units`` (actor types, proposal rate),
                      sidelines    ``Strategy._lifecycle`` and ``Strategy._create``
                                   (grants against contracts)
``coverage``,         patchwork or :func:`simulation.actors.unit_levers.resolve_unit_levers`
``adoption``          strategy     (which units and areas act)
``action_plan``       plan         ``Strategy._lifecycle`` (funding that lasts beyond the pilot,
                                   shared scaling: more copies spread);
                                   ``Strategy.shared_mapping`` (coordination across areas)
===================== ============ ==========================================================
"""
