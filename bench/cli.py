"""What every benchmark command shares: its arguments' forms, its database and salon, and
writing its report."""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bench.database import BenchDatabase, Salon, arrange_salon, bench_database
from bench.measure import log
from salonbook.db.engine import create_engine


def command_parser(prog: str, doc: str | None) -> argparse.ArgumentParser:
    """A command's parser, its module docstring as the help text, line breaks kept."""
    return argparse.ArgumentParser(
        prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )


def titled_report(title: str, where: str, table: str) -> str:
    """A one-part report: its title, where it ran and the load then, and its table."""
    return f"# {title} ({where}; load {os.getloadavg()[0]:.2f})\n\n{table}\n"


def counts(text: str) -> list[int]:
    """An argument such as `4,16,64`."""
    return [int(part) for part in text.split(",") if part.strip()]


async def open_database(stack: contextlib.AsyncExitStack) -> BenchDatabase:
    """DATABASE_URL's server (a throwaway database) or an embedded one, gone with the stack."""
    log("starting the database")
    return await stack.enter_async_context(bench_database(os.environ.get("DATABASE_URL")))


async def open_salon(
    stack: contextlib.AsyncExitStack,
) -> tuple[BenchDatabase, AsyncEngine, Salon]:
    """A database with a salon arranged in it, and an engine for arranging more."""
    database = await open_database(stack)
    engine = create_engine(database.url, pool_size=2)
    stack.push_async_callback(engine.dispose)
    return database, engine, await arrange_salon(engine)


def write_report(text: str, output: Path) -> None:
    print()
    print(text)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    log(f"written to {output}")
