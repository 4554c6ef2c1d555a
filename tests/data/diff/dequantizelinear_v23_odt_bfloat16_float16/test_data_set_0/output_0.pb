
ByJ±KÎ¨PrLÌQ‡LÜKL±OAÑÇÏ