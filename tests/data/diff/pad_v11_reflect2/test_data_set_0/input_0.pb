BxJìBÀ‹áK?*¿J¿£VwÀ
O&¿