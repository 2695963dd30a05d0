"""Sample data: the Dutch demo consultation and the planted-group vote generator behind it."""

from __future__ import annotations

from deliberate.sample.demo import DEMO_JOIN_CODE, DEMO_USERNAME, DemoInfo, build_demo_consultation
from deliberate.sample.opinions import OpinionModel, PlantedVotes, random_stances, simulate_votes

__all__ = [
    "DEMO_JOIN_CODE",
    "DEMO_USERNAME",
    "DemoInfo",
    "OpinionModel",
    "PlantedVotes",
    "build_demo_consultation",
    "random_stances",
    "simulate_votes",
]
