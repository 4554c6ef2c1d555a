
BxJ—TฯU
หกTUฬี<ึ<V