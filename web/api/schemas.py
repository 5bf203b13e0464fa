"""Marshmallow schemas of /api/v1: they validate the requests and generate the OpenAPI document."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from web.dialogs.forms import DESCRIPTION_MAX_CHARS, MESSAGE_MAX_CHARS

# The statuses the conversation issue declares (machine names, the API's vocabulary).
STATUSES = ("created", "in_progress", "waiting_for_seller", "completed")
# Searches, like /api/search, are cut at QUERY_MAX_CHARS; the schema only bounds the input.
QUERY_MAX = 1000
IDEMPOTENCY_KEY_MAX = 200


class Request(Schema):
    """Requests ignore unknown fields (a newer app may send more) but check the known ones."""

    class Meta:
        unknown = EXCLUDE


class Binary(fields.Field):
    """An uploaded file (documented as binary; the upload checks do the real validation)."""


# -- requests ----------------------------------------------------------------------------
class SearchQuery(Request):
    q = fields.String(
        load_default="",
        validate=validate.Length(max=QUERY_MAX),
        metadata={"example": "вернули товар с дефектом"},
    )
    limit = fields.Integer(validate=validate.Range(min=1, max=50), metadata={"example": 3})
    category = fields.String(validate=validate.Length(max=64))
    topic = fields.String(validate=validate.Length(max=64))


class DialogsQuery(Request):
    status = fields.String(validate=validate.OneOf(STATUSES))
    q = fields.String(validate=validate.Length(max=QUERY_MAX))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))


class DialogCreate(Request):
    category = fields.String(
        required=True, validate=validate.Length(max=64), metadata={"example": "returns"}
    )
    topic = fields.String(validate=validate.Length(max=64), metadata={"example": "defects"})
    description = fields.String(
        required=True,
        validate=validate.Length(max=DESCRIPTION_MAX_CHARS),
        metadata={"example": "Вернули куртку с браком: сломана молния и порвана упаковка"},
    )
    barcode = fields.String(validate=validate.Length(max=40))
    confirm_new = fields.Boolean(load_default=False)
    files = fields.List(Binary(), load_only=True)


class MessageCreate(Request):
    text = fields.String(
        load_default="",
        validate=validate.Length(max=MESSAGE_MAX_CHARS),
        metadata={"example": "Добавляю фото упаковки"},
    )
    complete = fields.Boolean(load_default=False, metadata={"description": "agents only"})
    internal = fields.Boolean(load_default=False, metadata={"description": "agents only"})
    files = fields.List(Binary(), load_only=True)


class RatingCreate(Request):
    helped = fields.Boolean(required=True, metadata={"example": True})
    comment = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))


class ReviewCreate(Request):
    reason = fields.String(
        required=True,
        validate=validate.Length(max=MESSAGE_MAX_CHARS),
        metadata={"example": "Брак подтверждён фотографиями, прошу пересмотреть решение"},
    )


# -- responses ---------------------------------------------------------------------------
class ErrorBody(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    problems = fields.Dict(
        keys=fields.String(), values=fields.String(), required=True, data_key="fields"
    )
    dialogs = fields.List(fields.Integer(), metadata={"description": "duplicate: open dialogs"})


class Error(Schema):
    error = fields.Nested(ErrorBody, required=True)


class Me(Schema):
    email = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(("seller", "agent")))


class Hit(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    url = fields.String(required=True)
    snippet = fields.String(required=True)
    category = fields.String(required=True)
    topic = fields.String(required=True, allow_none=True)
    score = fields.Float(required=True)


class Handoff(Schema):
    url = fields.String(required=True)
    category = fields.String(required=True, allow_none=True)
    topic = fields.String(required=True, allow_none=True)


class SearchResult(Schema):
    query = fields.String(required=True)
    used_query = fields.String(required=True, allow_none=True)
    match = fields.String(required=True, validate=validate.OneOf(("strong", "weak", "none")))
    results = fields.List(fields.Nested(Hit), required=True)
    handoff = fields.Nested(Handoff, required=True, allow_none=True)


class Topic(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    faq = fields.List(fields.String(), required=True)


class Category(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    topics = fields.List(fields.Nested(Topic), required=True)


class Categories(Schema):
    categories = fields.List(fields.Nested(Category), required=True)


class Entry(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("article", "faq")))
    title = fields.String(required=True)
    html = fields.String(required=True)
    category = fields.String(required=True)
    topic = fields.String(required=True, allow_none=True)
    url = fields.String(required=True)
    updated = fields.String(required=True, allow_none=True, metadata={"format": "date"})


class DialogSummary(Schema):
    number = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    status_label = fields.String(required=True)
    category = fields.String(required=True)
    topic = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    unread = fields.Boolean(required=True)


class DialogList(Schema):
    dialogs = fields.List(fields.Nested(DialogSummary), required=True)
    next = fields.String(required=True, allow_none=True)


class File(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    size = fields.Integer(required=True)
    type = fields.String(required=True)
    url = fields.String(required=True)


class Message(Schema):
    id = fields.Integer(required=True)
    author = fields.String(required=True, validate=validate.OneOf(("seller", "agent")))
    text = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    files = fields.List(fields.Nested(File), required=True)
    internal = fields.Boolean(metadata={"description": "an internal note (agents only)"})


class HistoryItem(Schema):
    status = fields.String(required=True)
    at = fields.DateTime(required=True)
    by = fields.String(required=True, allow_none=True)


class Related(Schema):
    review_of = fields.Integer(required=True, allow_none=True)
    reviews = fields.List(fields.Integer(), required=True)


class Rating(Schema):
    helped = fields.Boolean(required=True)
    comment = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


class Dialog(Schema):
    number = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    status_label = fields.String(required=True)
    category = fields.String(required=True)
    topic = fields.String(required=True, allow_none=True)
    barcode = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    assignee = fields.String(required=True, allow_none=True)
    messages = fields.List(fields.Nested(Message), required=True)
    history = fields.List(fields.Nested(HistoryItem), required=True)
    related = fields.Nested(Related, required=True)
    rating = fields.Nested(Rating, required=True, allow_none=True)


class Assigned(Schema):
    number = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    assignee = fields.String(required=True, allow_none=True)
