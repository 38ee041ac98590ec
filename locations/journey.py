"""The order of a night's stops as a journey: shortest total distance, each stop inside its evening window.

Solved as a vehicle routing problem with time windows by OR-Tools' routing library (one sleigh, an open path:
a dummy depot with free arcs to and from every stop), started from a feasible westward sweep and improved by
guided local search. The search stops on a count of solutions, never on wall time alone, so two runs give the
same route on any machine; wall time is only a safety net.
"""

import itertools
import math
import time as time_module
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from lib.great_circle import crossing_hops, distance_km

# Solutions the guided local search may find after the first before it stops (deterministic work limit).
DEFAULT_SOLUTIONS = 400
# Wall-clock safety net for the whole search, in seconds; a search that reaches it is no longer repeatable.
# The work limits end 400 places in about 45 s of CPU; five times that leaves room for a machine under load
# (a 60 s net was reached at load 4 on 2 cores, and two runs then differed), so only a far slower one meets it.
DEFAULT_SAFETY_SECONDS = 300
# Leaving a stop out costs the search more than fitting it in anywhere could (at most twice the longest
# arc on the Earth, 2 x 20,015 km), in metres: it drops a stop only when the stop cannot fit. Not much more,
# because guided local search scales its penalties by the cost of the solution it escapes from: a cost
# inflated by a huge penalty (10^10 was tried) makes those penalties swamp the distances, and the search
# then stopped at a longer route with a stop left out that a greedy descent could still fit in.
_DROP_PENALTY = 10**8
# Past this many km a hop costs the search triple for the distance beyond: the route makes no giant leap
# (Lisbon to Nuuk to Praia, 5,886 km) where a few shorter hops do nearly as well.
LONG_HOP_KM = 4_500
_LONG_HOP_COST = 3


@dataclass(frozen=True)
class Leg:
    """One stop to order: its position in decimal degrees and the epoch seconds it may be arrived at."""

    latitude: float
    longitude: float
    opens: int
    closes: int


@dataclass(frozen=True)
class Journey:
    """The chosen order (indexes into the legs given), each stop's arrival in epoch seconds, the dropped ones,
    and how the search ended."""

    order: list[int]
    arrivals: list[int]
    dropped: list[int]
    solutions: int
    stopped_by_safety_net: bool


# Called now and then with a line on how the search goes ("300 solutions, best 254,120 km").
Progress = Callable[[str], None]


def flight_seconds(km: float, speed_kmh: float) -> int:
    """Whole seconds to fly `km` at `speed_kmh`, rounded up so no hop is ever faster than the speed."""
    return math.ceil(km / speed_kmh * 3600)


def earliest_arrivals(legs: Sequence[Leg], order: Sequence[int], speed_kmh: float, stay: int) -> list[int] | None:
    """Arrival epoch seconds flying `order` as early as each window allows; None when a stop misses its window."""
    arrivals: list[int] = []
    previous: Leg | None = None
    for index in order:
        leg = legs[index]
        moment = leg.opens
        if previous is not None:
            km = distance_km(previous.latitude, previous.longitude, leg.latitude, leg.longitude)
            moment = max(moment, arrivals[-1] + stay + flight_seconds(km, speed_kmh))
        if moment > leg.closes:
            return None
        arrivals.append(moment)
        previous = leg
    return arrivals


def sweep(legs: Sequence[Leg], order: Sequence[int], speed_kmh: float, stay: int) -> list[int]:
    """The longest feasible journey keeping `order`'s sequence: each stop that no longer fits is skipped."""
    kept: list[int] = []
    last_arrival = 0
    for index in order:
        leg = legs[index]
        moment = leg.opens
        if kept:
            before = legs[kept[-1]]
            km = distance_km(before.latitude, before.longitude, leg.latitude, leg.longitude)
            moment = max(moment, last_arrival + stay + flight_seconds(km, speed_kmh))
        if moment <= leg.closes:
            kept.append(index)
            last_arrival = moment
    return kept


# Rounds of untangle(): each makes the hops that still cross dearer and searches again.
UNTANGLE_ROUNDS = 6


def untangle(
    legs: Sequence[Leg],
    order: Sequence[int],
    speed_kmh: float,
    stay: int,
    safety_seconds: int = DEFAULT_SAFETY_SECONDS,
    matrices: tuple[list[list[float]], list[list[int]]] | None = None,
    progress: Progress | None = None,
) -> list[int]:
    """`order` (a feasible journey, indexes into `legs`) with hops that cross each other taken apart where the
    windows allow, at little extra distance: a trail that crosses itself does not read as a journey.

    The search minimises distance, and a crossing can be the shortest way through the windows: Kiritimati
    (UTC+14) opens the night and Honolulu (UTC-10) closes it a day later, so the first hop west and a hop
    of the last hour can cross over the Pacific. Each round doubles the search's cost of every hop that
    crosses another (an arc's weight: 2, 4, 8...), as guided local search penalises features, and lets a
    greedy descent find a way round from the current order, flying at `speed_kmh` with `stay` seconds at each
    stop (`matrices`: the km and seconds matrices, when the caller has them; `progress`: told of each round).
    The order kept is the one with the fewest stops left out, then the fewest crossings, then the shortest.
    Deterministic.
    """
    kms, seconds = matrices or _matrices(legs, speed_kmh, stay)
    points = [(leg.latitude, leg.longitude) for leg in legs]

    def crossings(journey: Sequence[int]) -> list[tuple[int, int]]:
        return crossing_hops([points[index] for index in journey])

    def length(journey: Sequence[int]) -> float:
        return sum(kms[a][b] for a, b in itertools.pairwise(journey))

    def rank(journey: Sequence[int]) -> tuple[int, int, float]:  # fewer stops left out, crossings, km
        return (-len(journey), len(crossings(journey)), length(journey))

    began = time_module.monotonic()
    best = list(order)
    best_rank = rank(best)
    weights: dict[tuple[int, int], int] = {}
    journey = best
    for round_number in range(1, UNTANGLE_ROUNDS + 1):
        crossing = crossings(journey)
        if not crossing or time_module.monotonic() - began >= safety_seconds:
            break
        if progress is not None:
            pairs = len(crossing)
            progress(
                f"untangling {pairs} {'pair' if pairs == 1 else 'pairs'} of crossing hops, "
                f"round {round_number} of {UNTANGLE_ROUNDS}, {length(journey):,.0f} km"
            )
        for first, second in crossing:
            for hop in (first, second):
                arc = (min(journey[hop], journey[hop + 1]), max(journey[hop], journey[hop + 1]))
                weights[arc] = weights.get(arc, 1) * 2
        metres = [[_arc_cost(km) for km in row] for row in kms]
        for (a, b), weight in weights.items():
            metres[a][b] = metres[b][a] = _arc_cost(kms[a][b], weight)
        journey = _Search(legs, metres, seconds).improve(journey, _descent(_seconds_left(began, safety_seconds)))
        if rank(journey) < best_rank:
            best, best_rank = journey, rank(journey)
    return best


# Operators that need wall time (large neighbourhood search bounded by lns_time_limit) or that look for
# structures this problem does not have (pickups and deliveries, visit types); off, so the search repeats.
_OPERATORS_OFF = (
    "use_relocate_pair",
    "use_exchange_pair",
    "use_light_relocate_pair",
    "use_relocate_subtrip",
    "use_exchange_subtrip",
    "use_global_cheapest_insertion_path_lns",
    "use_local_cheapest_insertion_path_lns",
    "use_relocate_path_global_cheapest_insertion_insert_unperformed",
    "use_global_cheapest_insertion_visit_types_lns",
    "use_local_cheapest_insertion_visit_types_lns",
    "use_make_chain_inactive",
    "use_swap_active_chain",
    "use_shortest_path_swap_active",
    "use_shortest_path_two_opt",
    "use_relocate_expensive_chain",
    "use_cross",
)


def _search_parameters() -> Any:
    """Routing search parameters whose result depends on the work done, never on the clock (a protobuf message;
    ortools ships no types)."""
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    for name in _OPERATORS_OFF:
        setattr(parameters.local_search_operators, name, pywrapcp.BOOL_FALSE)
    return parameters


class _Search:
    """One OR-Tools routing model of the journey over a matrix of arc costs in metres: an open path (a dummy
    depot with free arcs to and from every stop), each stop inside its window or dropped at _DROP_PENALTY."""

    def __init__(self, legs: Sequence[Leg], metres: list[list[int]], seconds: list[list[int]]) -> None:
        count = len(legs)
        self.manager = pywrapcp.RoutingIndexManager(count + 1, 1, count)
        self.routing = routing = pywrapcp.RoutingModel(self.manager)
        self.closed = False
        # Matrices, not Python callbacks: the search then never calls back into Python for an arc.
        routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(metres))
        origin = min(leg.opens for leg in legs)
        horizon = max(leg.closes for leg in legs) - origin
        routing.AddDimension(routing.RegisterTransitMatrix(seconds), horizon, horizon, False, "time")
        time = routing.GetDimensionOrDie("time")
        for node, leg in enumerate(legs):
            time.CumulVar(self.manager.NodeToIndex(node)).SetRange(leg.opens - origin, leg.closes - origin)
            routing.AddDisjunction([self.manager.NodeToIndex(node)], _DROP_PENALTY)
        for index in (routing.Start(0), routing.End(0)):
            time.CumulVar(index).SetRange(0, horizon)

    def improve(self, order: Sequence[int], parameters: Any) -> list[int]:
        """The best order the search finds from `order` (feasible) under `parameters`.

        Raises ValueError when the solver refuses the starting order."""
        if not self.closed:  # the model's operators are fixed by the first search's parameters
            self.routing.CloseModelWithParameters(parameters)
            self.closed = True
        initial = self.routing.ReadAssignmentFromRoutes([list(order)], True)
        if initial is None:
            raise ValueError("the solver refused the starting order")
        solution = self.routing.SolveFromAssignmentWithParameters(initial, parameters) or initial
        route: list[int] = []
        index = self.routing.Start(0)
        while not self.routing.IsEnd(index := solution.Value(self.routing.NextVar(index))):
            route.append(self.manager.IndexToNode(index))
        return route


def _descent(safety_seconds: int) -> Any:
    """Parameters of a greedy descent to a local optimum: it ends there, so it needs no work limit."""
    parameters = _search_parameters()
    parameters.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    parameters.time_limit.seconds = safety_seconds
    return parameters


def solve_journey(
    legs: Sequence[Leg],
    start: Sequence[int],
    speed_kmh: float,
    stay: int,
    solutions: int = DEFAULT_SOLUTIONS,
    safety_seconds: int = DEFAULT_SAFETY_SECONDS,
    progress: Progress | None = None,
) -> Journey:
    """Order `legs` for the shortest total great-circle distance with every arrival inside its window, at
    most `speed_kmh` between stops and `stay` seconds at each. `start` is a feasible order of some of them
    (the sweep); the others may be added by the search, and those that cannot fit are returned as dropped.

    The search's costs are the distances, with hops past LONG_HOP_KM costing more; then hops that cross each
    other are taken apart (untangle). `progress` is given a line now and then: every 100 solutions, and at
    each stage after the search.
    Raises ValueError for an infeasible start.
    """
    count = len(legs)
    if count == 0:
        return Journey([], [], [], 0, False)
    if earliest_arrivals(legs, start, speed_kmh, stay) is None:
        raise ValueError("the starting order misses a window")
    kms, seconds = _matrices(legs, speed_kmh, stay)
    metres = [[_arc_cost(km) for km in row] for row in kms]
    search = _Search(legs, metres, seconds)

    found = [0]
    best = [math.inf]

    def on_solution() -> None:
        found[0] += 1
        best[0] = min(best[0], search.routing.CostVar().Value() / 1000)
        if progress is not None and (found[0] % 100 == 0 or found[0] == 1):
            progress(f"{found[0]:,} {'solution' if found[0] == 1 else 'solutions'}, best {best[0]:,.0f} km")

    search.routing.AddAtSolutionCallback(on_solution)
    parameters = _search_parameters()
    parameters.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    parameters.solution_limit = solutions
    parameters.time_limit.seconds = safety_seconds
    began = time_module.monotonic()
    order = search.improve(start, parameters)
    # Guided local search's best is a local optimum of its penalised costs, not always of the true ones: a
    # greedy descent from it shortens it further.
    if progress is not None:
        progress(f"search done after {max(0, found[0] - 1):,} solutions, best {best[0]:,.0f} km; shortening it")
    order = search.improve(order, _descent(_seconds_left(began, safety_seconds)))
    order = untangle(
        legs, order, speed_kmh, stay, _seconds_left(began, safety_seconds), (kms, seconds), progress=progress
    )
    elapsed = time_module.monotonic() - began
    arrivals = earliest_arrivals(legs, order, speed_kmh, stay)
    if arrivals is None:  # pragma: no cover - the solver honours the windows it was given
        raise ValueError("the solver's order misses a window")
    placed = set(order)
    return Journey(
        order=order,
        arrivals=arrivals,
        dropped=[node for node in range(count) if node not in placed],
        # The callback also counts the starting journey, which the work limit does not.
        solutions=max(0, found[0] - 1),
        stopped_by_safety_net=elapsed >= safety_seconds,
    )


def _seconds_left(began: float, safety_seconds: int) -> int:
    """Whole seconds of the safety net left since `began` (time.monotonic()), at least 1."""
    return max(1, math.ceil(safety_seconds - (time_module.monotonic() - began)))


def _matrices(legs: Sequence[Leg], speed_kmh: float, stay: int) -> tuple[list[list[float]], list[list[int]]]:
    """Square matrices over the legs and a depot (last, 0 to and from every leg): km between legs, and
    seconds from arriving at one to arriving at the other (the stay, then the flight)."""
    count = len(legs)
    kms = [[0.0] * (count + 1) for _ in range(count + 1)]
    seconds = [[0] * (count + 1) for _ in range(count + 1)]
    for i, a in enumerate(legs):
        for j in range(i + 1, count):
            b = legs[j]
            kms[i][j] = kms[j][i] = distance_km(a.latitude, a.longitude, b.latitude, b.longitude)
            seconds[i][j] = seconds[j][i] = stay + flight_seconds(kms[i][j], speed_kmh)
    return kms, seconds


def _arc_cost(km: float, weight: int = 1) -> int:
    """The search's cost of a hop of `km`, in metres: its length, the part past LONG_HOP_KM counted
    _LONG_HOP_COST times, all times `weight` (untangle's penalty on a crossing hop)."""
    return round(1000 * weight * (km + (_LONG_HOP_COST - 1) * max(0.0, km - LONG_HOP_KM)))
