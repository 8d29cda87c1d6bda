"""Pure rules of invoicing from delivery notes (no Odoo import).

The ORM layer turns pickings and order lines into plain values, asks these functions what to
invoice and how to group it, and writes the result back.
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

GROUPINGS = ("picking", "partner", "order", "period")


def grouping_key(grouping, base, picking_id, order_id, done_date):
    """Key of the invoice a delivery goes to.

    ``base`` is what every invoice must share (company, invoice address, currency, fiscal
    position, payment terms...), as a tuple; ``grouping`` adds:

    - ``picking``: one invoice per delivery;
    - ``partner``: one invoice per customer (``base`` only);
    - ``order``: one invoice per customer and sale order;
    - ``period``: one invoice per customer and month of delivery (``done_date`` is a date).
    """
    if grouping == "picking":
        return (*base, "picking", picking_id)
    if grouping == "partner":
        return (*base,)
    if grouping == "order":
        return (*base, "order", order_id)
    if grouping == "period":
        return (*base, "period", done_date.year, done_date.month)
    raise ValueError("unknown grouping %r" % (grouping,))


def group_by_key(items, key):
    """Group ``items`` by ``key(item)``, keeping the order of first appearance."""
    groups = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.values())


def split_quantities(delivered, remaining, sign=1):
    """Quantity to invoice per order line for one delivery.

    ``delivered`` maps an order line to the quantity this delivery moved (in the line's unit);
    ``remaining`` maps an order line to what is still to invoice on it (``qty_to_invoice``),
    and is decremented in place so that several deliveries of one order invoiced in the same
    run never bill more than the order allows. ``sign`` is 1 for a delivery (positive
    remaining quantities are invoiced) and -1 for a return (negative remaining quantities, i.e.
    quantities invoiced but sent back, are credited). Returns {line: positive quantity}.
    """
    result = {}
    for line, qty in delivered.items():
        if qty <= 0:
            continue
        left = remaining.get(line, 0.0) * sign
        take = min(qty, left)
        if take <= 0:
            continue
        result[line] = take
        remaining[line] = remaining.get(line, 0.0) - take * sign
    return result


def downpayment_fraction(
    rule, delivery_amount, order_amount, downpayment_amount, remaining_fraction, is_last, digits=2
):
    """Fraction of a down payment to deduct on one delivery's invoice (0 to ``remaining``).

    A down payment order line is invoiced once (quantity 1) and deducted with negative
    quantities; ``remaining_fraction`` is what is still to deduct (1.0 when nothing was).

    - ``proportional``: the delivery's share of the order (``delivery_amount`` /
      ``order_amount``), so that each invoice carries its part of the down payment;
    - ``first``: as much as this invoice can carry (all of it when the delivery is worth more
      than the down payment, rounded down otherwise), so down payments go on the first
      invoices.

    The last invoice of the order (``is_last``) takes whatever remains. The result is rounded
    to ``digits`` decimals (the precision of quantities).
    """
    remaining = max(remaining_fraction, 0.0)
    if remaining <= 0 or delivery_amount <= 0:
        return 0.0
    if is_last:
        return _round(remaining, digits)
    if rule == "proportional":
        wanted = delivery_amount / order_amount if order_amount > 0 else remaining
        return _round(min(wanted, remaining), digits)
    if rule == "first":
        # rounded down: the deduction never exceeds what the invoice bills
        wanted = delivery_amount / downpayment_amount if downpayment_amount > 0 else 0.0
        return _round(min(wanted, remaining), digits, ROUND_DOWN)
    raise ValueError("unknown down payment rule %r" % (rule,))


def invoice_status(is_invoiced, has_quantities):
    """Invoicing status of a delivery: invoiced, to invoice, or nothing to invoice."""
    if is_invoiced:
        return "invoiced"
    return "to_invoice" if has_quantities else "nothing"


def _round(value, digits, rounding=ROUND_HALF_UP):
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(str(value)).quantize(quantum, rounding=rounding))
