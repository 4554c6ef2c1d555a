ByJa
,pÿ