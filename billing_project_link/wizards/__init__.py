from . import stock_picking_invoice
