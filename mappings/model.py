"""The mapping file as pydantic models: everything is checked when the file is loaded.

The format itself is described, with a full example, in :mod:`mappings`.
"""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema

from core.customer import CANONICAL_COLUMNS, DERIVED_COLUMNS, MULTI_VALUE_COLUMNS
from core.json_schema import JsonSchema, or_shorthand
from core.validation_errors import key_text, problem_message
from mappings.paths import has_wildcard, parse_path
from mappings.transforms import TRANSFORMS, Step

#: Canonical columns a field may fill (``source_id`` has its own top-level key).
COLUMN_TARGETS: tuple[str, ...] = tuple(c for c in CANONICAL_COLUMNS if c != "source_id")

#: Targets holding one value; several sources must be combined before reaching them.
SINGLE_VALUE_TARGETS: frozenset[str] = frozenset({*COLUMN_TARGETS, "kind", "phone_region"})

#: Targets holding a list: ``emails`` and ``phones`` (text), ``addresses`` (objects with the
#: keys of :data:`core.customer.ADDRESS_KEYS`), for sources holding several of each.
LIST_TARGETS: tuple[str, ...] = MULTI_VALUE_COLUMNS

#: Keys of the flat output that neither an attribute nor an unmapped field may overwrite.
RESERVED_KEYS: frozenset[str] = frozenset(
    {
        *CANONICAL_COLUMNS,
        *DERIVED_COLUMNS,
        *MULTI_VALUE_COLUMNS,
        "kind",
        "consent",
        "tags",
        "phone_region",
    }
)

VALID_TARGETS: tuple[str, ...] = (
    *COLUMN_TARGETS,
    *LIST_TARGETS,
    "kind",
    "phone_region",
    "tags",
    "consent.<name>",
    "attributes.<name>",
)


def check_target(target: str) -> None:
    """Raise ``ValueError`` unless ``target`` is a key a mapping may fill.

    ``source_id`` is accepted here: :class:`Mapping` keeps it out of ``fields``.
    """
    if target in SINGLE_VALUE_TARGETS or target in ("tags", "source_id", *LIST_TARGETS):
        return
    prefix, dot, name = target.partition(".")
    if dot and prefix in ("consent", "attributes") and name.strip():
        if prefix == "attributes" and name in RESERVED_KEYS:
            raise ValueError(
                f"attributes.{name} would overwrite the output key {name!r}; "
                f"map to {name} directly or choose another attribute name"
            )
        return
    close = difflib.get_close_matches(target, [*SINGLE_VALUE_TARGETS, *LIST_TARGETS, "tags"], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(f"unknown target {target!r}{hint}; valid targets: {', '.join(VALID_TARGETS)}")


def _describe_argument_error(error: ValidationError) -> str:
    """The first problem only (its key when it is the only one): the message goes on to
    say how the step is written."""
    problems = error.errors(include_url=False)
    first = problem_message(problems[0])
    key = key_text(problems[0]["loc"])
    return f"{key}: {first}" if key and len(problems) == 1 else first


def _known_transforms() -> str:
    plain = sorted(name for name, t in TRANSFORMS.items() if not t.on_objects)
    on_objects = sorted(name for name, t in TRANSFORMS.items() if t.on_objects)
    return f"known transforms: {', '.join(plain)}; on lists of objects: {', '.join(on_objects)}"


class TransformStep(BaseModel):
    """One step of a field's ``transforms``: written ``trim`` or ``{join: " "}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    argument: Any = None

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchema:
        """As written in a file: a bare name, or one key from a name to its argument."""
        plain = sorted(name for name, t in TRANSFORMS.items() if t.argument is None)
        with_argument = {
            name: {**t.argument.json_schema(), "description": f"{t.summary}; e.g. {t.usage}"}
            for name, t in sorted(TRANSFORMS.items())
            if t.argument is not None
        }
        one_key = {
            "type": "object",
            "properties": with_argument,
            "additionalProperties": False,
            "minProperties": 1,
            "maxProperties": 1,
        }
        return {"anyOf": [{"enum": plain}, one_key], "description": "a transform step"}

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, data: Any) -> Any:
        if isinstance(data, TransformStep):
            return data
        if isinstance(data, str):
            name, argument, has_argument = data, None, False
        elif isinstance(data, dict) and len(data) == 1:
            ((name, argument),) = data.items()
            has_argument = True
        else:
            named = [k for k in data if k in TRANSFORMS] if isinstance(data, dict) else []
            if len(named) == 1:
                usage = TRANSFORMS[named[0]].usage
                raise ValueError(
                    f"{named[0]} and its options belong in one key; write it as {usage}"
                )
            raise ValueError(
                "a transform is its name (trim) or a one-key mapping from its name to its "
                f'argument ({{join: " "}}), got {data!r}'
            )
        definition = TRANSFORMS.get(name) if isinstance(name, str) else None
        if definition is None:
            close = difflib.get_close_matches(str(name), TRANSFORMS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"unknown transform {name!r}{hint}; {_known_transforms()}")
        if definition.argument is None:
            if has_argument:
                raise ValueError(f"{name} takes no argument; write it as {definition.usage}")
            return {"name": name}
        if not has_argument:
            raise ValueError(f"{name} needs an argument; write it as {definition.usage}")
        try:
            argument = definition.argument.validate_python(argument)
        except ValidationError as e:
            raise ValueError(
                f"{name}: {_describe_argument_error(e)}; write it as {definition.usage}"
            ) from e
        return {"name": name, "argument": argument}

    def build(self) -> Step:
        return TRANSFORMS[self.name].build(self.argument)


def _check_plain_value(value: Any) -> Any:
    scalar = (str, int, float, bool, date)
    if value is None or isinstance(value, scalar):
        return value
    if isinstance(value, list) and all(isinstance(item, scalar) for item in value):
        return value
    raise ValueError(f"expected text, a number, true/false or a list of them, got {value!r}")


class FieldSpec(BaseModel):
    """How one output key is filled: ``{from: path, transforms: [...], default: ...}``.

    A bare string is short for ``{from: <string>}``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: str = Field(default="", alias="__target__", exclude=True, repr=False)
    from_: str | tuple[str, ...] | None = Field(
        default=None, alias="from", description="a source path, or a list of paths to combine"
    )
    constant: Any = Field(default=None, description="a fixed value instead of a source path")
    transforms: tuple[TransformStep, ...] = Field(default=(), description="applied in order")
    default: Any = Field(default=None, description="the value when the result is empty")
    required: bool = Field(default=False, description="a missing or empty source is a problem")
    description: str | None = Field(default=None, description="a note for people; not used")

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchema:
        path = {"type": "string", "description": "a source path, short for {from: path}"}
        return or_shorthand(core_schema, handler, path, drop=("__target__",))

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"from": data}
        if not isinstance(data, dict | FieldSpec):
            raise ValueError(
                f"expected a source path or a mapping like {{from: path, transforms: [trim]}}, "
                f"got {data!r}"
            )
        return data

    @field_validator("from_", mode="before")
    @classmethod
    def _paths_are_valid(cls, value: Any) -> Any:
        if value is None:
            return None
        paths = value if isinstance(value, list) else [value]
        if not paths or not all(isinstance(p, str) for p in paths):
            raise ValueError(f"expected a source path or a list of paths, got {value!r}")
        for path in paths:
            parse_path(path)
        return tuple(paths) if isinstance(value, list) else value

    @field_validator("transforms", mode="before")
    @classmethod
    def _transforms_are_a_list(cls, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise ValueError(f"expected a list of transforms such as [trim, lower], got {value!r}")
        return value

    @field_validator("constant", "default")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return _check_plain_value(value)

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        given = self.model_fields_set
        if self.target:
            check_target(self.target)
        if self.from_ is None and "constant" not in given:
            raise ValueError("give a source path (from: ...) or a fixed value (constant: ...)")
        if self.from_ is not None and "constant" in given:
            raise ValueError("give either from or constant, not both")
        if self.required and "default" in given:
            raise ValueError("a required field cannot have a default; drop one of them")
        if self.required and self.from_ is None:
            raise ValueError("required applies to a source path (from), not to a constant")
        if self.target == "source_id":
            if self.from_ is None:
                raise ValueError("the source id must come from the payload (from: ...)")
            if "default" in given:
                raise ValueError("the source id cannot have a default: records would share it")
        if (
            isinstance(self.from_, tuple)
            and self.target in SINGLE_VALUE_TARGETS | {"source_id"}
            and not any(TRANSFORMS[step.name].combines for step in self.transforms)
        ):
            raise ValueError(
                f"{self.target} holds one value but reads {len(self.from_)} sources; "
                'combine them with first_non_empty or {join: " "}'
            )
        self._check_wildcards()
        return self

    def _check_wildcards(self) -> None:
        """A ``[*]`` path reads a list: a one-value target must combine it."""
        if self.target not in SINGLE_VALUE_TARGETS | {"source_id"}:
            return
        if any(TRANSFORMS[step.name].combines for step in self.transforms):
            return
        for path in self.paths:
            if has_wildcard(path):
                raise ValueError(
                    f"{self.target} holds one value but '{path}' reads a list ([*]); "
                    'combine it with first_non_empty or {join: " "}, or fill a list target '
                    f"({', '.join(LIST_TARGETS)})"
                )

    @property
    def paths(self) -> tuple[str, ...]:
        """The source paths this field reads (none for a constant)."""
        if self.from_ is None:
            return ()
        return self.from_ if isinstance(self.from_, tuple) else (self.from_,)

    @property
    def has_default(self) -> bool:
        return "default" in self.model_fields_set

    def phone_region(self) -> str | None:
        """The region a ``phone_region`` step attaches, if any."""
        regions = [step.argument for step in self.transforms if step.name == "phone_region"]
        return regions[-1] if regions else None


def _with_target(spec: Any, target: str) -> Any:
    if isinstance(spec, str):
        return {"from": spec, "__target__": target}
    if isinstance(spec, dict):
        return {**spec, "__target__": target}
    return spec


class Mapping(BaseModel):
    """One mapping file: how a source's raw payload becomes the flat canonical form."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = Field(description="the format's version")
    name: str = Field(default="", description="informative; defaults to the file's name")
    description: str | None = Field(default=None, description="what the mapping is for")
    source_id: FieldSpec = Field(description="where each record's id in the source comes from")
    fields: dict[str, FieldSpec] = Field(
        default_factory=dict,
        description="target: how to fill it (a path, or a field block)",
        json_schema_extra={
            "propertyNames": {
                "anyOf": [
                    {"enum": [t for t in VALID_TARGETS if not t.endswith("<name>")]},
                    {"pattern": r"^(consent|attributes)\.\S"},
                ]
            }
        },
    )
    unmapped: Literal["attributes", "drop"] = Field(
        default="attributes", description="what happens to the payload fields not read"
    )

    _compiled: Any = PrivateAttr(default=None)

    def __getstate__(self) -> dict[Any, Any]:
        """Pickled without its compiled form (closures do not pickle; it is rebuilt on
        first use), so a mapping can be sent to a worker process."""
        state = super().__getstate__()
        private = state.get("__pydantic_private__")
        if private:
            state["__pydantic_private__"] = {**private, "_compiled": None}
        return state

    @field_validator("source_id", mode="before")
    @classmethod
    def _source_id_target(cls, value: Any) -> Any:
        return _with_target(value, "source_id")

    @field_validator("fields", mode="before")
    @classmethod
    def _field_targets(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        if "source_id" in value:
            raise ValueError("source_id is set by the top-level key source_id, not under fields")
        return {key: _with_target(spec, str(key)) for key, spec in value.items()}

    @field_validator("fields")
    @classmethod
    def _phone_region_set_once(cls, fields: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        by_step = [target for target, spec in fields.items() if spec.phone_region()]
        if len(by_step) > 1 or (by_step and "phone_region" in fields):
            setters = [f"the phone_region step of {t}" for t in by_step]
            if "phone_region" in fields:
                setters.insert(0, "the field phone_region")
            raise ValueError(f"phone_region is set by {' and by '.join(setters)}; keep one")
        return fields

    def source_paths(self) -> list[str]:
        """Every payload path the mapping reads; the rest is carried as attributes."""
        paths = list(self.source_id.paths)
        for spec in self.fields.values():
            paths.extend(spec.paths)
        return paths
