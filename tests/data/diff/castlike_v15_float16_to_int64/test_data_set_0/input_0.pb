
BxJBSê’Ø–S¢US<÷<V