"""Demo evidence (see `manage.py seed_demo`), made through the portfolio services so that every rule holds and the
history reads like a real portfolio's:

- Grace Patel (learner4, Certificate, trainee assessor): every criterion of both units evidenced, accepted and met,
  and every decision countersigned by the trainee's countersignatory, so demo.signoff can sign both units off;
- Liam Walsh (learner1, NVQ): unit L/601/1614 complete (demo.signoff signs it), other units in progress, with
  rejected evidence to redo and a witness invited;
- Sophie Turner (learner2, Diploma, trainee assessor): one unit complete and countersigned, and a later decision of
  the trainee's awaiting countersignature;
- Jacob Evans (learner3) and Olivia Hart (Southbank): a first piece of evidence awaiting review; Jacob also has an
  RPL claim for his prior certificate, decided by his assessor (some criteria accepted, one rejected) and checked by
  the IQA;
- Ethan Brooks (learner5, Level 1 Award): unit F/617/5412 complete, so demo.signoff signs it off and carries it
  into his Diploma.

What each piece of evidence says, and how it is judged, is data (`portfolios.toml`); `seed` plays it through the
services. Photos and PDFs are made in code. Idempotent: each piece is keyed by the title of its first evidence, and
a piece already in the portfolio is left alone. Stored file names go to context["stored_files"], so that seed_demo
can remove them if the whole seeding is rolled back.
"""

from .portfolio import Portfolio
from .seed import seed

__all__ = ["Portfolio", "seed"]
