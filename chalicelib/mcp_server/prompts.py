"""Prompts: conversation starters that steer the model to the right calculators instead of guesses."""

from __future__ import annotations

from typing import Annotated

from mcp.server import MCPServer
from pydantic import Field

GOALS = ("endurance", "weight-loss", "muscle-gain", "general-health")
RACE_DISTANCES = ("1500m", "mile", "5k", "10k", "half-marathon", "marathon")


async def fitness_assessment(
    age: Annotated[str, Field(description="Age in years.")],
    sex: Annotated[str, Field(description='"male" or "female".')],
    goal: Annotated[str, Field(description="endurance, weight-loss, muscle-gain or general-health.")],
) -> str:
    return (
        f"I am {age} years old ({sex}) and my goal is {goal}. Give me a fitness assessment.\n\n"
        "Work only from numbers the fitness tools return; never estimate a value yourself. Ask me for what a tool "
        "needs before calling it. Suggested order:\n"
        "1. estimate-max-heart-rate, then calculate-heart-rate-zones (with my resting heart rate if I know it).\n"
        "2. Aerobic fitness: estimate-vo2-max-cooper (12-minute run distance), estimate-vo2-max-rockport (1-mile "
        "walk), or estimate-vo2-max-heart-rate-ratio (max and resting heart rate) — whichever I can do.\n"
        "3. Body composition: calculate-bmi, calculate-waist-to-height-ratio, estimate-body-fat-navy.\n"
        "4. Energy: calculate-bmr and calculate-tdee"
        + (
            ", then estimate-one-rep-max and calculate-training-loads for strength work"
            if goal == "muscle-gain"
            else ""
        )
        + ".\n"
        "Summarise each result with its category and cite the formula (the fitness://formulas resource lists the "
        "sources). Say that these are population estimates, not a medical assessment."
    )


async def race_plan(
    race_distance: Annotated[str, Field(description="1500m, mile, 5k, 10k, half-marathon, marathon, or metres.")],
    goal_time: Annotated[str, Field(description='Target finish time, "h:mm:ss" or "mm:ss".')],
) -> str:
    return (
        f"I want to run the {race_distance} in {goal_time}. Help me plan for it.\n\n"
        "Use the fitness tools for every number:\n"
        "1. calculate-vdot with the race distance in metres and my goal time: the VDOT this goal needs, the "
        "equivalent times at other distances, and the easy, marathon, threshold, interval and repetition paces.\n"
        "2. Ask for a recent race result and run predict-race-time from it to the goal distance, to see the gap "
        "between current form and the goal; calculate-vdot on that result gives today's training paces.\n"
        "3. convert-pace for any pace I want per mile or as a speed.\n"
        "Then outline the weeks of training by pace zone. Explain that VDOT and Riegel are models (Daniels & "
        "Gilbert 1979; Riegel 1981), best between 1500 m and the marathon."
    )


def register(server: MCPServer) -> None:
    server.prompt(
        name="fitness-assessment",
        title="Fitness assessment",
        description="Assess aerobic fitness, heart-rate zones, body composition and energy needs with the tools.",
    )(fitness_assessment)
    server.prompt(
        name="race-plan",
        title="Race plan",
        description="Goal-race paces and equivalent times from VDOT, and the gap from current form (Riegel).",
    )(race_plan)
