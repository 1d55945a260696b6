"""Policy parameterisations and their exact gradients, Fisher matrices and Hessians.

Public API
----------
SoftmaxPolicy, LogLinearPolicy, DirectPolicy, as_policy
"""

from ._param import DirectPolicy, LogLinearPolicy, SoftmaxPolicy, as_policy

__all__ = ["SoftmaxPolicy", "LogLinearPolicy", "DirectPolicy", "as_policy"]
