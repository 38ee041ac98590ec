"""The order of a night's stops as a journey: shortest total distance, each stop inside its evening window.

Solved as a vehicle routing problem with time windows by OR-Tools' routing library (one sleigh, an open path:
a dummy depot with free arcs to and from every stop), started from a feasible westward sweep and improved by
guided local search. The search stops on a count of solutions, never on wall time alone, so two runs give the
same route on any machine; wall time is only a safety net.
"""

import math
import os
import time as time_module
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from lib.great_circle import distance_km

# Solutions the guided local search may find after the first before it stops (deterministic work limit).
DEFAULT_SOLUTIONS = 400
# Wall-clock safety net for one search, in seconds; a search that reaches it is no longer repeatable.
DEFAULT_SAFETY_SECONDS = 60
# Leaving a stop out costs more than any journey could: the search drops one only when it cannot fit.
_DROP_PENALTY = 10**10


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


Progress = Callable[[int, float], None]


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

    `progress(solutions_so_far, best_km)` is called now and then. Raises ValueError for an infeasible start.
    """
    count = len(legs)
    if count == 0:
        return Journey([], [], [], 0, False)
    if earliest_arrivals(legs, start, speed_kmh, stay) is None:
        raise ValueError("the starting order misses a window")
    depot = count
    manager = pywrapcp.RoutingIndexManager(count + 1, 1, depot)
    routing = pywrapcp.RoutingModel(manager)

    metres = [[0] * (count + 1) for _ in range(count + 1)]
    seconds = [[0] * (count + 1) for _ in range(count + 1)]
    for i, a in enumerate(legs):
        for j in range(i + 1, count):
            b = legs[j]
            km = distance_km(a.latitude, a.longitude, b.latitude, b.longitude)
            metres[i][j] = metres[j][i] = round(km * 1000)
            seconds[i][j] = seconds[j][i] = stay + flight_seconds(km, speed_kmh)

    # Matrices, not Python callbacks: the search then never calls back into Python for an arc.
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(metres))
    origin = min(leg.opens for leg in legs)
    horizon = max(leg.closes for leg in legs) - origin
    routing.AddDimension(routing.RegisterTransitMatrix(seconds), horizon, horizon, False, "time")
    time = routing.GetDimensionOrDie("time")
    for node, leg in enumerate(legs):
        time.CumulVar(manager.NodeToIndex(node)).SetRange(leg.opens - origin, leg.closes - origin)
        routing.AddDisjunction([manager.NodeToIndex(node)], _DROP_PENALTY)
    for index in (routing.Start(0), routing.End(0)):
        time.CumulVar(index).SetRange(0, horizon)

    found = [0]
    best = [math.inf]

    def on_solution() -> None:
        found[0] += 1
        best[0] = min(best[0], routing.CostVar().Value() / 1000)
        if progress is not None and (found[0] % 100 == 0 or found[0] == 1):
            progress(found[0], best[0])

    routing.AddAtSolutionCallback(on_solution)
    parameters = _search_parameters()
    parameters.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    parameters.solution_limit = solutions
    parameters.time_limit.seconds = safety_seconds
    began = time_module.monotonic()
    if os.environ.get("JOURNEY_START") == "insertion":
        parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.LOCAL_CHEAPEST_INSERTION
        solution = routing.SolveWithParameters(parameters)
    else:
        routing.CloseModelWithParameters(parameters)
        initial = routing.ReadAssignmentFromRoutes([list(start)], True)
        if initial is None:
            raise ValueError("the solver refused the starting order")
        solution = routing.SolveFromAssignmentWithParameters(initial, parameters)
        if solution is None:
            solution = initial
    elapsed = time_module.monotonic() - began
    order: list[int] = []
    index = routing.Start(0)
    while True:
        index = solution.Value(routing.NextVar(index))
        if routing.IsEnd(index):
            break
        order.append(manager.IndexToNode(index))
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
        stopped_by_safety_net=found[0] - 1 < solutions and elapsed >= safety_seconds,
    )
