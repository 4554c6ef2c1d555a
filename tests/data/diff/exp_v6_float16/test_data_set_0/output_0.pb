
ByJp@8ÕF;([9õ;pOWG