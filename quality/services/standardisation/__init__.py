"""Standardisation: an IQA of a qualification at a centre sets a piece of evidence (a learner's, or an exemplar or
observation written in) and the criteria of one unit before the qualification's assessors; each judges it on their
own and submits once; the IQA closes judging, sees the judgements side by side, records the agreed outcome per
criterion, the minutes and actions per assessor, and closes the record, which is then frozen.

Who sees what: an assessor sees the others' judgements only after submitting their own; the IQA sees who has
submitted while judging is open, and the judgements only once they close judging (so that nobody, the IQA
included, can steer an assessor who has not yet judged). Every step writes an audit event.

One concern a module: eligibility (who runs an activity, who judges, what may be set), activity (setting one up, and
the error, lock and history entry every step shares), judging (the assessors' judgements, closing judging) and
review (the agreed outcomes and minutes, actions, closing the record)."""
