"""hoso's infrastructure: one CDK v2 stack per stage (``python -m infra.synth``)."""
