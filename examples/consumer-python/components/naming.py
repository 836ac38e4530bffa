"""This repository's tagging convention (a module name aiscale's source folder also has)."""

REPOSITORY = "consumer-python"
"""The repository tag value: where the resources are declared."""


def team_tags(team: str, cost_center: str) -> dict[str, str]:
    """The tags every resource of this repository carries: owner team, cost center, repository."""
    return {"team": team, "cost-center": cost_center, "repository": REPOSITORY}
