from . import account_move, account_move_line, res_partner, sale_order, stock_picking
