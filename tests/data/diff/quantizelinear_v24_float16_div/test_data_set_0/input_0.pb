(
BxJP¬Ùe\[×W$ØÝOgÕ”×·ÛˆÜùT,Õ0Ü‡ÜIÛŠ[RVòXµÕìYrÕ3ZçVODÜkÚ§ÛqÜ;PÚ¸U.Ð²ZV\ÐÛUSÍÙ­×ÜLZ