// Package incluster runs an adaptive search's driver as one more Job of
// the experiment, in its namespace: it renders the driver's Job and the
// ServiceAccount, Role and RoleBinding it runs under (pure functions),
// creates and deletes them, and reads the driver's state for status.
// Nothing outside the namespace is created.
package incluster
