
BxJŸB