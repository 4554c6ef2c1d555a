
BxJºM$U·T€ÕdEÅM<÷<V