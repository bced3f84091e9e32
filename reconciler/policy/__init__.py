"""Safe to send (design.md section 11): who may be called, when, how often, at what cost.

Pure checks, each a function of its inputs and of a clock passed in (never read here):

- :mod:`~reconciler.policy.suppression`: numbers that must never be called (CSV lists);
- :mod:`~reconciler.policy.windows`: calling windows in the recipient's local time, with
  :mod:`~reconciler.policy.zones` mapping a number to its country and possible time zones;
- :mod:`~reconciler.policy.frequency`: at most ``max_calls`` per number within ``per_days``;
- :mod:`~reconciler.policy.cost`: an upper bound of what the calls cost;
- :mod:`~reconciler.policy.settings`: the ``[policy]`` and ``[prices]`` tables of
  ``campaigns.toml`` and their shipped defaults.

The tool is not legal advice: docs/policy.md names the rules each check helps with.
"""
