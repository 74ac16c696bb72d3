"""What each number of the report means: printed by `helpdesk report --explain`, and the
same words as the README's "Report metrics" section."""

from __future__ import annotations

DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "period",
        "Every count covers [since, until) in UTC. A ticket counts where its event happened: "
        "opened when it was opened, resolved when it was resolved, and so on.",
    ),
    (
        "questions.asked",
        "Messages the FAQ matched as a question (answered + suggested + none). Small talk "
        "('hi', 'thanks!') is counted apart as chitchat and is never a question.",
    ),
    (
        "questions.answered / suggested / none",
        "The FAQ's decision: one confident answer, up to three 'did you mean' entries, or no "
        "match (the person is offered a ticket).",
    ),
    (
        "deflection.deflected",
        "Questions answered (or whose suggestion the person chose) after which the same person "
        "neither asked for a human nor opened any ticket within 24 hours. rate = deflected / "
        "asked.",
    ),
    (
        "deflection.confirmed",
        "Deflected questions whose answer the person confirmed with 'That helped'. "
        "confirmed_rate = confirmed / asked.",
    ),
    (
        "tickets.opened / resolved / reopened / cancelled",
        "opened: tickets opened in the period. resolved, reopened, cancelled: tickets resolved, "
        "reopened or cancelled at least once in the period (each ticket once). reopen_rate = "
        "reopened / resolved.",
    ),
    (
        "tickets.backlog",
        "Tickets open or claimed at the end of the period (or now, if that is earlier), by age "
        "since opening: <1h, 1-4h, 4-24h, 1-3d, 3-7d, >7d.",
    ),
    (
        "first_response",
        "For tickets whose first agent reply came in the period: the time from opening to that "
        "reply, in business time: the open hours of the calendar of the ticket's SLA policy, "
        "less the time its clock stood still (waiting for the requester; resolved until "
        "reopened). Without a service file, wall time. p50 and p90 are nearest-rank "
        "percentiles in seconds.",
    ),
    (
        "resolution",
        "For tickets resolved in the period: the time from opening to their last resolution in "
        "the period, in business time as for first_response (p50, p90, seconds).",
    ),
    (
        "sla",
        "Every SLA target whose due time fell in the period and has passed, whether the ticket "
        "was answered or not, each ticket once per target. With a service file the targets are "
        "those of the ticket's SLA policy: first_response (an agent's reply, or the "
        "resolution) and resolution (the resolution that stands, not undone by a reopen), due "
        "when that much business time has passed since opening, pauses not counted. Without "
        "one: claim (claimed within HELPDESK_SLA_UNCLAIMED_MINUTES) and first_response (within "
        "HELPDESK_SLA_REPLY_MINUTES), in wall time. met: kept by its due time; breached: kept "
        "late or not at all. A ticket cancelled before a target fell due owes nothing for it. "
        "compliance = met / due, overall and per target; the breaches are listed.",
    ),
    (
        "csat",
        "Every rating is kept; the latest rating of each resolution counts (a ticket rated 2 "
        "then 4 counts 4; reopened, resolved again and rated again counts once more). ratings: "
        "such ratings given in the period; mean: their average (1-5); satisfied: the share of "
        "4 and 5.",
    ),
    (
        "faq_entries",
        "Per FAQ entry, over the period's questions: shown (its answer was given, or chosen "
        "from suggestions), suggested (listed among 'did you mean'), helped ('That helped' on "
        "it), escalated (shown, then a human asked for or a ticket opened within 24 hours).",
    ),
    (
        "unanswered",
        "Questions with no FAQ match, or whose suggestions were all passed over for a human, "
        "grouped by similar wording: the count and the first way each was asked.",
    ),
    (
        "teams / agents / platforms / priorities / kinds / categories",
        "The same ticket numbers for each group. Agents: claimed (claims and assignments to "
        "them), resolved (tickets they resolved, each once), their tickets' median first "
        "response and CSAT. Teams: the ticket's team (tickets from before teams, the default "
        "team); priorities: P1-P4; kinds: incident, request, question or unclassified; "
        "categories: the ticket's area.",
    ),
    (
        "trend",
        "Every headline number again for each UTC day or week (Monday first) of the period "
        "(--by day|week).",
    ),
)


def explain() -> str:
    return "\n\n".join(f"{name}\n  {text}" for name, text in DEFINITIONS)
