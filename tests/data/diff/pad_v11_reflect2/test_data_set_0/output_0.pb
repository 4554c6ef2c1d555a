ByJ0
O&¿£VwÀ*¿J¿‹áK?ìBÀ‹áK?*¿J¿£VwÀ
O&¿£VwÀ*¿J¿‹áK?