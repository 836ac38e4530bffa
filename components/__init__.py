"""aiscale: multi-cloud AI platforms on Pulumi."""
