#!/usr/bin/env python3
"""What the addons add to a job, from the two cProfile files ``host_cost.py --profile DIR``
writes (``<job>-odoo.prof`` and ``<job>-addons.prof``), per record:

- the total profiled time of each side (the profiler slows both alike);
- the time spent in the addons' own code: every function of a ``billing_*`` folder, entered
  from Odoo's code (an override, a compute, a hook), with what it calls, less what its
  ``super()`` call costs (Odoo's own work below an override is not the addons');
- the functions whose own time (tottime) grew most from Odoo's side to the addons' side: what
  the addons cost inside Odoo's code (the ORM's triggers of a stored field, more records...).

The profiles are timed in CPU time of this process (PostgreSQL's work is in the query
counts that ``host_cost.py`` prints), so they depend little on the machine's load.

    python3 tests/bench/host_cost.py --jobs validate --deliveries 200 --profile var/prof
    python3 tests/bench/profile_diff.py var/prof --job validate --count 200
"""

import argparse
import os
import pstats

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def ours(func):
    path = os.path.abspath(func[0])
    return path.startswith(ROOT + os.sep) and os.path.relpath(path, ROOT).startswith("billing_")


def label(func):
    path, line, name = func
    if ours(func):
        path = os.path.relpath(path, ROOT)
    elif "/odoo/" in path:
        path = path[path.index("/odoo/") + 1 :]
    return "%s:%d(%s)" % (path, line, name)


def addons_time(stats):
    """Seconds in the addons' code entered from Odoo's, less their super() calls; and the
    same per addon function entered that way."""
    entered = {}
    for func, (__, __, __, __, callers) in stats.items():
        if not ours(func):
            continue
        for caller, edge in callers.items():
            if not ours(caller):
                entered[func] = entered.get(func, 0.0) + edge[3]
    supers = {}
    for func, (__, __, __, __, callers) in stats.items():
        if ours(func):
            continue
        for caller, edge in callers.items():
            if ours(caller) and caller[2] == func[2]:
                supers[caller] = supers.get(caller, 0.0) + edge[3]
    per_function = {func: entered.get(func, 0.0) - supers.get(func, 0.0) for func in entered}
    for func, seconds in supers.items():
        if func not in entered:  # an override called from another of ours
            per_function[func] = -seconds
    return sum(per_function.values()), per_function


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--job", default="validate")
    parser.add_argument("--count", type=int, required=True, help="records the job handled")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    sides = {}
    for side in ("odoo", "addons"):
        path = os.path.join(args.directory, "%s-%s.prof" % (args.job, side))
        sides[side] = pstats.Stats(path).stats
    ms = 1000.0 / args.count
    totals = {
        side: sum(tt for (__, __, tt, __, __) in stats.values()) for side, stats in sides.items()
    }
    print(
        "profiled time per record: Odoo %.2f ms, + addons %.2f ms (difference %.2f ms)"
        % (totals["odoo"] * ms, totals["addons"] * ms, (totals["addons"] - totals["odoo"]) * ms)
    )
    total, per_function = addons_time(sides["addons"])
    print("in the addons' own code (entered from Odoo's, super() left out): %.2f ms" % (total * ms))
    for func, seconds in sorted(per_function.items(), key=lambda item: -abs(item[1]))[: args.top]:
        if abs(seconds * ms) >= 0.005:
            print("  %8.3f ms  %s" % (seconds * ms, label(func)))
    own = {side: {func: row[2] for func, row in stats.items()} for side, stats in sides.items()}
    grown = {
        func: own["addons"].get(func, 0.0) - own["odoo"].get(func, 0.0)
        for func in set(own["addons"]) | set(own["odoo"])
    }
    print("own time (tottime) that grew most, per record, + addons minus Odoo:")
    for func, seconds in sorted(grown.items(), key=lambda item: -item[1])[: args.top]:
        calls = (
            sides["addons"][func][1] if func in sides["addons"] else 0,
            sides["odoo"][func][1] if func in sides["odoo"] else 0,
        )
        print(
            "  %8.3f ms  %s  (calls per record %.1f vs %.1f)"
            % (seconds * ms, label(func), calls[0] / args.count, calls[1] / args.count)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
