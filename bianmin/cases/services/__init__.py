"""The only writers of cases. Every function takes ``now``, runs in a transaction and writes events and audit."""
from .calendar_change import finalize_year_and_recompute
from .clock import approve_extension, end_pause, has_open_pause, reject_extension, request_extension, start_pause
from .core import QUERY_ALPHABET, rating_link, retire_case_counters, stamp_warning
from .deferred import allow_delivery_before_deferred, supply_deferred_materials
from .documents import delivered_document
from .extras import add_comment, find_cases, mark_completion_promised, record_fee, reveal_personal_data, upload_file
from .handlers import approve_transfer, reject_transfer, request_transfer
from .intake import (
                    AgentData,
                    ApplicantData,
                    MaterialRow,
                    add_supplement_line,
                    apply_deemed_acceptance,
                    clean_applicant,
                    draft_supplement_from_checklist,
                    fix_on_spot,
                    intake_deadline_for,
                    receive_case,
                    resubmit,
                    serve_supplement_notice,
                    update_materials,
)
from .lifecycle import (
                    accept_case,
                    accept_immediately,
                    archive_case,
                    decide_case,
                    deliver_case,
                    deliver_relayed_case,
                    receive_and_accept,
                    refuse_case,
                    relay_took_result,
                    return_case,
                    serve_notice_by_relay,
                    start_case,
                    withdraw_case,
)
from .notify import approver_ids
from .returns import approve_return, reject_return, request_return

__all__ = [
    "AgentData", "ApplicantData", "MaterialRow", "finalize_year_and_recompute", "QUERY_ALPHABET", "rating_link",
    "retire_case_counters", "stamp_warning", "intake_deadline_for", "allow_delivery_before_deferred",
    "deliver_relayed_case", "delivered_document", "relay_took_result", "serve_notice_by_relay",
    "supply_deferred_materials", "approve_return", "reject_return", "request_return", "approver_ids",
    "clean_applicant", "find_cases", "mark_completion_promised", "reveal_personal_data",
    "draft_supplement_from_checklist", "approve_extension",
    "end_pause", "has_open_pause", "reject_extension", "request_extension", "start_pause", "accept_case",
    "accept_immediately", "add_comment", "add_supplement_line", "apply_deemed_acceptance", "approve_transfer",
    "archive_case", "decide_case", "deliver_case", "fix_on_spot", "receive_case", "receive_and_accept", "record_fee",
    "refuse_case",
    "reject_transfer", "request_transfer", "resubmit", "return_case", "serve_supplement_notice", "start_case",
    "update_materials", "upload_file", "withdraw_case",
]
