"""Derived values: a data point computed exactly from other data points.

```yaml
      - metric: capex-share-of-big4
        entity: Meta
        period: "2025"
        value: 18.1
        unit: "%"
        derived:
          formula: meta / big4 * 100
          inputs: {meta: meta-capex-guidance-2025-range.1, big4: big4-csp-capex-2025-forecast.capex}
```

Inputs name a claim's data point (`claim-id` for its first, `claim-id.metric`, or
`claim-id.N`). The formula is arithmetic only (+ − × ÷, parentheses, numbers);
`check` recomputes it with decimals and compares at the precision the value is
written with. A derived number needs no quote of its own: its inputs carry theirs.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import TYPE_CHECKING

from .numbers import as_decimal

if TYPE_CHECKING:
    from ..inputs.schema import DataPoint
    from .registry import ClaimRegistry

_OPERATORS: dict[type[ast.operator], Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b}


class FormulaError(ValueError):
    """A formula that is not plain arithmetic over its inputs."""


def evaluate(formula: str, values: dict[str, Decimal]) -> Decimal:
    """The formula's value, computed with decimals (no floats, no names but the inputs)."""
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as error:
        raise FormulaError(f"'{formula}' is not a formula ({error.msg})") from None

    def value(node: ast.AST) -> Decimal:
        if isinstance(node, ast.Expression):
            return value(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = value(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return as_decimal(node.value)
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise FormulaError(f"'{node.id}' is not one of the inputs "
                                   f"({', '.join(sorted(values))})")
            return values[node.id]
        raise FormulaError(f"only + - * / and parentheses may be used, not "
                           f"'{ast.unparse(node)}'")

    try:
        return value(tree)
    except (DivisionByZero, InvalidOperation, ZeroDivisionError):
        raise FormulaError("the formula divides by zero") from None


def resolve(reference: str, registry: ClaimRegistry) -> DataPoint | None:
    """The data point an input names: 'claim-id', 'claim-id.metric' or 'claim-id.N'."""
    claim_id, _, field = reference.partition(".")
    registered = registry.get(claim_id)
    if registered is None or not registered.claim.data:
        return None
    data = registered.claim.data
    if not field:
        return data[0]
    if field.isdigit():
        index = int(field) - 1
        return data[index] if 0 <= index < len(data) else None
    return next((point for point in data if point.metric == field), None)


def derived_problem(point: DataPoint, registry: ClaimRegistry) -> str | None:
    """Why a derived point's value is not what its formula gives, or None."""
    assert point.derived is not None
    values: dict[str, Decimal] = {}
    for name, reference in point.derived.inputs.items():
        source = resolve(reference, registry)
        if source is None:
            return f"derived input {name}: '{reference}' names no data point"
        if source.value is None:
            return f"derived input {name}: '{reference}' is a range; use one number"
        if source.derived is not None:
            return f"derived input {name}: '{reference}' is derived itself; use its inputs"
        values[name] = as_decimal(source.value)
    try:
        computed = evaluate(point.derived.formula, values)
    except FormulaError as error:
        return f"derived: {error}"
    if point.value is None:
        return "a derived point gives one value, not a range"
    stated = as_decimal(point.value)
    exponent = stated.as_tuple().exponent
    places = max(-exponent, 0) if isinstance(exponent, int) else 0
    rounded = computed.quantize(Decimal(1).scaleb(-places))
    if rounded != stated:
        return (f"derived: {point.derived.formula} gives {computed.normalize():f} (rounded to "
                f"{rounded:f}), not {point.value:g}")
    return None


def describe(point: DataPoint) -> str:
    """'meta / big4 * 100, where meta = claim.1, big4 = claim.capex' for endnotes."""
    assert point.derived is not None
    inputs = ", ".join(f"{name} = {ref}" for name, ref in point.derived.inputs.items())
    return f"{point.derived.formula}, where {inputs}"
