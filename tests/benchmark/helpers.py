"""What the benchmark commands' tests share: the main pages' names and dropping the databases a run made."""

PAGES = {
    "learner home",
    "evidence page",
    "unit sheet",
    "assessor queue",
    "IQA plan",
    "centre learner list",
    "notification list",
}


def drop_benchmark_databases(server_url: str, *, sizes) -> None:
    from urllib.parse import urlparse, urlunparse

    import psycopg
    from psycopg import sql

    from benchmarks.build import database_url_for

    maintenance = urlunparse(urlparse(server_url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        for size in sizes:
            name = urlparse(database_url_for(server_url, size)).path.lstrip("/")
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
