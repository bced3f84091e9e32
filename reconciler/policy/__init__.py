"""Safe to send (design.md section 11): who may be called, when, how often, at what cost.

Pure checks, each a function of its inputs and of a clock passed in (never read here):

- :mod:`~reconciler.policy.suppression`: numbers that must never be called (CSV lists), and
  :mod:`~reconciler.policy.screening`, which takes them out of declarations before the diff;
- :mod:`~reconciler.policy.optouts`: numbers that opted out by DTMF (``optOutDigits``);
- :mod:`~reconciler.policy.windows`: calling windows in the recipient's local time, with
  :mod:`~reconciler.policy.zones` mapping a number to its country and possible time zones;
- :mod:`~reconciler.policy.frequency`: at most ``max_calls`` per number within ``per_days``;
- :mod:`~reconciler.policy.cost`: an upper bound of what the calls cost;
- :mod:`~reconciler.policy.report`: all of them over a plan's POSTs, as its ``policy`` section;
- :mod:`~reconciler.policy.calendar`: when each campaign rings, by day, in local time;
- :mod:`~reconciler.policy.settings`: the ``[policy]`` and ``[prices]`` tables of
  ``campaigns.toml`` and their shipped defaults.

The tool is not legal advice: docs/policy.md names the rules each check helps with.
"""
