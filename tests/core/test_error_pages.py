"""Our own error pages: 403 and 404 keep the navigation and offer ways back; 500 renders with no request and no
database (a standalone template); every page has a favicon and a footer link to the accessibility statement."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse


@pytest.mark.django_db
def test_404_page_has_navigation_and_ways_back(client, world):
    client.force_login(world.learner)
    response = client.get("/portfolio/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We cannot find this page" in html
    assert 'aria-label="Main"' in html and "My portfolio" in html  # the learner's own navigation
    assert 'href="/"' in html and "Go to your home page" in html
    assert "Accessibility statement" in html


@pytest.mark.django_db
def test_403_page_says_why_and_offers_a_way_back(client, world):
    client.force_login(world.learner)
    response = client.get(reverse("portfolio:assessor-queue"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "You may not do this" in html and "Go to your home page" in html
    assert "Error 403" in html


def test_500_page_renders_without_request_or_database():
    # No database fixture: any query would fail this test.
    html = render_to_string("500.html")
    assert "Sorry, something went wrong" in html
    assert 'href="/"' in html and "/accessibility/" in html
    assert "{%" not in html


def test_server_error_view_uses_our_page():
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()


@pytest.mark.django_db
def test_pages_link_a_favicon_and_the_accessibility_statement(client):
    html = client.get(reverse("login")).content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    assert 'rel="icon" href="/static/img/favicon-32.png"' in html
    assert client.get("/favicon.ico")["Location"] == "/static/favicon.ico"
    statement = client.get(reverse("accessibility"))
    assert statement.status_code == 200
    assert "(WCAG) 2.2" in statement.content.decode() and "How we test it" in statement.content.decode()
