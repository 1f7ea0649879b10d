"""What the console's handlers find on the aiohttp app (put there by handover.console.setup)."""

from __future__ import annotations

from aiohttp import web

from handover.accounts import Accounts
from handover.canned import CannedResponses
from handover.login_guard import LoginGuard
from handover.media import ConsoleMedia
from handover.outreach_card import OutreachCards
from handover.queue_lines import QueueLines
from handover.read_marks import ReadMarks
from handover.report_lookup import ReportLookup
from handover.service import Handover
from handover.stats_publish import StatisticsPublisher

HANDOVER = web.AppKey("handover", Handover)
ACCOUNTS = web.AppKey("accounts", Accounts)
CANNED = web.AppKey("canned", CannedResponses)
MEDIA = web.AppKey("media", ConsoleMedia)  # put there once the channels have started (bot/app.py)
LOGIN_GUARD = web.AppKey("login_guard", LoginGuard)  # wrong passwords counted, accounts locked (bot/app.py)
QUEUE_LINES = web.AppKey("queue_lines", QueueLines)  # what the queue says about each conversation (bot/app.py)
READ_MARKS = web.AppKey("read_marks", ReadMarks)  # what the holder of a conversation has seen of it (bot/app.py)
REPORT_LOOKUP = web.AppKey("report_lookup", ReportLookup)  # a report found by its code, audited (bot/app.py)
STATISTICS = web.AppKey("statistics", StatisticsPublisher)  # the published statistics of a period (bot/app.py)
CARDS = web.AppKey("outreach_cards", OutreachCards)  # outreach cards for the console's page (bot/app.py)
