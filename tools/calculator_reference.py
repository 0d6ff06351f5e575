"""The calculator's semantics and output format, written out in Python.

Used by tools/make-calculator-fixtures: expression nodes that render themselves
in the calculator's syntax and compute their value with fractions.Fraction (exact)
and float with the math module, and `display`, the text the calculator prints for
a value. See make-calculator-fixtures for the rules these follow.
"""

import math
from decimal import Decimal, localcontext, ROUND_HALF_EVEN
from fractions import Fraction

# Precedence levels of the calculator's grammar (see Parser.swift).
ADDITIVE, TERM, SIGNED, POWER, POSTFIX, PRIMARY = 1, 2, 3, 4, 5, 6


class Reject(Exception):
    """The expression strays outside what both sides define identically."""


class ExpectedError(Exception):
    """The calculator must report this error (the message's beginning)."""


def check(value):
    """Keep values in the range where Python and the calculator agree exactly."""
    if isinstance(value, Fraction):
        if value.numerator.bit_length() > 600 or value.denominator.bit_length() > 600:
            raise Reject()
    else:
        if math.isnan(value) or math.isinf(value) or abs(value) > 1e250:
            raise Reject()
        if value != 0 and abs(value) < 1e-250:
            raise Reject()
    return value


def is_exact(value):
    return isinstance(value, Fraction)


# ----------------------------------------------------------------------------
# Expression nodes: each renders itself and computes its value.

class Node:
    level = PRIMARY

    def render(self, minimum, in_call, rng):
        text = self.text(in_call, rng)
        if self.level < minimum:
            # Inside parentheses, commas are thousands separators again.
            return "(" + self.text(False, rng) + ")"
        return text

    def is_percentage(self):
        return False


class Literal(Node):
    def __init__(self, value, style="plain"):
        self.number = value
        self.style = style
        # "-3" reads as a negation: it needs parentheses where a sign would (after "%").
        self.level = SIGNED if value < 0 else PRIMARY

    def value(self):
        return self.number

    def text(self, in_call, rng):
        value = self.number
        if self.style == "scientific":
            return self.scientific
        if value.denominator == 1:
            digits = str(value.numerator)
            if not in_call and value.numerator >= 1000 and self.style == "grouped":
                digits = f"{value.numerator:,}"
            return digits
        # A terminating decimal, written exactly.
        places = 0
        while (value * 10 ** places).denominator != 1:
            places += 1
        scaled = value.numerator * 10 ** places // value.denominator
        whole, fraction = divmod(scaled, 10 ** places)
        whole_text = f"{whole:,}" if (not in_call and whole >= 1000 and self.style == "grouped") else str(whole)
        if whole == 0 and self.style == "bare":
            whole_text = ""
        return f"{whole_text}.{fraction:0{places}d}"


class Constant(Node):
    def __init__(self, name):
        self.name = name

    def value(self):
        return math.pi if self.name in ("pi", "π") else math.e

    def text(self, in_call, rng):
        return self.name


class Negate(Node):
    level = SIGNED

    def __init__(self, operand):
        self.operand = operand

    def value(self):
        return check(-self.operand.value())

    def text(self, in_call, rng):
        sign = rng.choice(["-", "-", "-", "\u2212"])
        return sign + self.operand.render(SIGNED, in_call, rng)

    def is_percentage(self):
        return self.operand.is_percentage()


class Percent(Node):
    level = POSTFIX

    def __init__(self, operand):
        self.operand = operand

    def value(self):
        return check(self.operand.value() / 100)

    def text(self, in_call, rng):
        return self.operand.render(PRIMARY, in_call, rng) + "%"

    def is_percentage(self):
        return True


class Factorial(Node):
    level = POSTFIX

    def __init__(self, operand):
        self.operand = operand

    def value(self):
        n = self.operand.value()
        if not is_exact(n) or n.denominator != 1 or n < 0 or n > 25:
            raise Reject()
        return Fraction(math.factorial(int(n)))

    def text(self, in_call, rng):
        return self.operand.render(PRIMARY, in_call, rng) + "!"


class Binary(Node):
    SYMBOLS = {
        "+": ["+"],
        "-": ["-", "-", "\u2212"],
        "*": ["*", "*", "*", "\u00d7", "\u00b7", "x"],
        "/": ["/", "/", "/", "\u00f7"],
        "%": ["%"],
        "^": ["^", "^", "^", "**"],
        "of": ["of"],
    }

    def __init__(self, operator, left, right):
        self.operator = operator
        self.left = left
        self.right = right
        self.level = {"+": ADDITIVE, "-": ADDITIVE, "^": POWER}.get(operator, TERM)

    def value(self):
        op = self.operator
        a = self.left.value()
        b = self.right.value()
        if op in ("+", "-") and self.right.is_percentage():
            factor = 1 + b if op == "+" else 1 - b
            return check(a * factor)
        if op == "+":
            return check(a + b)
        if op == "-":
            return check(a - b)
        if op in ("*", "of"):
            return check(a * b)
        if op == "/":
            if b == 0:
                raise ExpectedError("division by zero")
            return check(a / b)
        if op == "%":
            if b == 0:
                raise ExpectedError("modulo by zero")
            return check(a % b)
        if op == "^":
            if not (is_exact(b) and b.denominator == 1):
                raise Reject()
            if a == 0 and b < 0:
                raise ExpectedError("zero to a negative power")
            if is_exact(a):
                return check(a ** int(b))
            try:
                return check(a ** float(b))
            except OverflowError:
                raise Reject()
        raise AssertionError(op)

    def text(self, in_call, rng):
        op = self.operator
        symbol = rng.choice(self.SYMBOLS[op])
        if op == "^":
            left = self.left.render(POSTFIX, in_call, rng)
            right = self.right.render(SIGNED, in_call, rng)
        elif op in ("+", "-"):
            left = self.left.render(ADDITIVE, in_call, rng)
            right = self.right.render(TERM, in_call, rng)
        elif op == "%":
            # A sign after "%" would make it a percentage: parenthesize signed operands.
            left = self.left.render(TERM, in_call, rng)
            right = self.right.render(POWER, in_call, rng)
        else:
            left = self.left.render(TERM, in_call, rng)
            right = self.right.render(SIGNED, in_call, rng)
        spaced = symbol in ("x", "of") or rng.random() < 0.7
        return f"{left} {symbol} {right}" if spaced else f"{left}{symbol}{right}"


def round_half_away(value):
    exact = Fraction(value)
    if exact >= 0:
        return math.floor(exact + Fraction(1, 2))
    return -math.floor(-exact + Fraction(1, 2))


def exact_square_root(value):
    def root(n):
        r = math.isqrt(n)
        return r if r * r == n else None
    top, bottom = root(value.numerator), root(value.denominator)
    return Fraction(top, bottom) if top is not None and bottom is not None else None


class Call(Node):
    def __init__(self, name, arguments):
        self.name = name
        self.arguments = arguments

    def value(self):
        args = [argument.value() for argument in self.arguments]
        x = args[0]
        name = self.name
        if name == "sqrt":
            if x < 0:
                raise ExpectedError("sqrt of a negative number")
            if is_exact(x):
                root = exact_square_root(x)
                if root is not None:
                    return root
            return check(math.sqrt(x))
        if name == "exp":
            if x > 500:
                raise Reject()
            return check(math.exp(x))
        if name in ("ln", "log"):
            if x <= 0:
                raise ExpectedError(f"{name} of a number that is not positive")
            return check(math.log(x) if name == "ln" else math.log10(x))
        if name in ("sin", "cos", "atan"):
            return check(getattr(math, name)(x))
        if name == "abs":
            return abs(x)
        if name in ("floor", "ceil", "round"):
            if not is_exact(x) and abs(x) >= 2 ** 52:
                raise Reject()
            if name == "round":
                return Fraction(round_half_away(x))
            return Fraction(math.floor(x) if name == "floor" else math.ceil(x))
        if name in ("min", "max"):
            return min(args) if name == "min" else max(args)
        if name in ("gcd", "lcm"):
            if any(not is_exact(a) or a.denominator != 1 for a in args):
                raise Reject()
            integers = [int(a) for a in args]
            return Fraction(math.gcd(*integers) if name == "gcd" else math.lcm(*integers))
        raise AssertionError(name)

    def text(self, in_call, rng):
        separator = rng.choice([", ", ","])
        inner = separator.join(argument.render(ADDITIVE, True, rng) for argument in self.arguments)
        return f"{self.name}({inner})"


# ----------------------------------------------------------------------------
# The calculator's output rules (ResultFormatter.swift), written from its
# documentation.

def scientific_or_positional(digits, exponent, negative):
    """15 significant digits (trailing zeros dropped) in %.15g style, 'e-7' exponents."""
    digits = digits.rstrip("0") or "0"
    sign = "-" if negative else ""
    if exponent < -4 or exponent >= 15:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent)}"
    if exponent < 0:
        return sign + "0." + "0" * (-exponent - 1) + digits
    if len(digits) <= exponent + 1:
        return sign + digits + "0" * (exponent + 1 - len(digits))
    return sign + digits[:exponent + 1] + "." + digits[exponent + 1:]


def fifteen_digits(value):
    """Round a nonzero Fraction to 15 significant digits, ties to even."""
    with localcontext() as context:
        context.prec = 15
        context.rounding = ROUND_HALF_EVEN
        quotient = Decimal(abs(value.numerator)) / Decimal(value.denominator)
    sign, digit_tuple, exponent = quotient.as_tuple()
    digits = "".join(map(str, digit_tuple))
    decimal_exponent = exponent + len(digits) - 1
    return scientific_or_positional(digits, decimal_exponent, value < 0)


def display(value):
    if not is_exact(value):
        if value == 0:
            return "0"
        text = "%.15g" % value
        if "e" in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}e{exponent[0]}{int(exponent[1:])}"
        return text
    if value.denominator == 1:
        return str(value.numerator)
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator == 1:
        places = max(twos, fives)
        if places < 40:
            scaled = abs(value.numerator) * 10 ** places // value.denominator
            digits = str(scaled).rjust(places + 1, "0")
            if len(digits) <= 40:
                return ("-" if value < 0 else "") + digits[:-places] + "." + digits[-places:]
    rounded = fifteen_digits(value)
    fraction = f"{value.numerator}/{value.denominator}"
    return f"{rounded} (= {fraction})" if len(fraction) <= 40 else rounded
