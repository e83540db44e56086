"""A change to anyone's roles forgets the access profiles remembered for the current request."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .access import forget_access
from .models import EqaLink, Membership, User


@receiver([post_save, post_delete], sender=Membership, dispatch_uid="centres-forget-access-membership")
@receiver([post_save, post_delete], sender=EqaLink, dispatch_uid="centres-forget-access-eqa-link")
@receiver([post_save, post_delete], sender=User, dispatch_uid="centres-forget-access-user")
def roles_changed(**kwargs) -> None:
    forget_access()
