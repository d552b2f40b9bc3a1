"""The local stack: everything that runs hoso on one machine with no AWS account (moto,
the dispatcher that stands in for Lambda triggers, and the simulators of the outside parties)."""
