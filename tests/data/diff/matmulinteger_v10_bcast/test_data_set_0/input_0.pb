BaJЦcRpKкlЗ`pjФ0”ау
O∆ОO–B