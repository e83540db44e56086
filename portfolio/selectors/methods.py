"""A piece of evidence's methods from the catalogue held in memory, read as (evidence, method) id pairs: what a
prefetch of `methods` would leave, without its query and managers built on every request."""

from __future__ import annotations

from core.compiled import CompiledRead
from qualifications.cache import catalogue

from ..models import Evidence


def _give_methods(evidence: Evidence, method_ids: set[int]) -> None:
    """Its methods from the catalogue's method key held in memory, in the key's order, as a prefetch of `methods`
    would leave them: evidence.methods.all() reads no more."""
    evidence._prefetched_objects_cache = {
        **getattr(evidence, "_prefetched_objects_cache", {}),
        "methods": [method for method in catalogue().methods if method.pk in method_ids],
    }


_method_ids_of = CompiledRead(
    lambda evidence_ids: Evidence.methods.through.objects.filter(evidence_id__in=evidence_ids).values_list(
        "evidence_id", "assessmentmethod_id"
    )
)
