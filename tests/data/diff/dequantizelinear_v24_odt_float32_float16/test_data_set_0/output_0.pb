
ByJóLÉÆnÎbPZGÎD†¼&ÎíNN\J>H