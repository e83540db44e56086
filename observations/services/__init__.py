"""Recording observations and professional discussions as evidence, and the signatures on them. One concern a
module: recording (an observation, and what a discussion shares with it), discussions (with their markers) and
signatures (given on the device, or the learner's later confirmation)."""
