from django.shortcuts import render

from .models import Qualification


def qualification_list(request):
    qualifications = Qualification.objects.select_related("awarding_body")
    return render(request, "qualifications/qualification_list.html", {"qualifications": qualifications})
