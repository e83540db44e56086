"""Demo centres, people and portfolios (`manage.py seed_demo`), one module per part of the product, seeded in order:
people, registrations, evidence, sign-off, quality assurance."""
