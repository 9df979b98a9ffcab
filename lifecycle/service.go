package lifecycle

import (
	"sync"

	"github.com/itsmkit/itsmkit/itsm"
)

// KindService is the record kind of services in the catalog.
const KindService itsm.Kind = "service"

// ServiceState is a stage of the ITIL service lifecycle.
type ServiceState string

// The stages of the ITIL service lifecycle.
const (
	// ServicePipeline: proposed under Service Strategy, not yet approved.
	ServicePipeline ServiceState = "pipeline"
	// ServiceDesign: approved and being designed (Service Design).
	ServiceDesign ServiceState = "design"
	// ServiceTransition: being built, tested and deployed (Service Transition).
	ServiceTransition ServiceState = "transition"
	// ServiceOperation: live in the catalog (Service Operation).
	ServiceOperation ServiceState = "operation"
	// ServiceRetired: withdrawn, rejected or cancelled; final.
	ServiceRetired ServiceState = "retired"
)

// ServiceTrigger moves a service through the ITIL service lifecycle.
type ServiceTrigger string

// The triggers of the ITIL service lifecycle.
const (
	// ServiceApprove: pipeline → design, the business case is accepted.
	ServiceApprove ServiceTrigger = "approve"
	// ServiceReject: pipeline → retired, the proposal is turned down.
	ServiceReject ServiceTrigger = "reject"
	// ServiceBuild: design → transition, the design package is handed over.
	ServiceBuild ServiceTrigger = "build"
	// ServiceRework: transition → design, testing sent the design back.
	ServiceRework ServiceTrigger = "rework"
	// ServiceRelease: transition → operation, the service goes live.
	ServiceRelease ServiceTrigger = "release"
	// ServiceImprove: operation → design, continual improvement redesigns a live
	// service.
	ServiceImprove ServiceTrigger = "improve"
	// ServiceCancel: design or transition → retired, the work is abandoned.
	ServiceCancel ServiceTrigger = "cancel"
	// ServiceRetire: operation → retired, the service is withdrawn.
	ServiceRetire ServiceTrigger = "retire"
)

// ServiceLifecycle returns the ITIL service lifecycle, for records of KindService:
//
//	pipeline ──approve──▶ design ──build──▶ transition ──release──▶ operation ──retire──▶ retired
//	pipeline ──reject──▶ retired
//	transition ──rework──▶ design          (testing failed)
//	operation ──improve──▶ design          (continual improvement)
//	design, transition ──cancel──▶ retired
//
// It has no policies or actions. Every call returns the same shared definition;
// hosts adapt it with Extend.
func ServiceLifecycle() *Definition[ServiceState, ServiceTrigger] { return serviceLifecycle() }

var serviceLifecycle = sync.OnceValue(func() *Definition[ServiceState, ServiceTrigger] {
	d, err := NewBuilder[ServiceState, ServiceTrigger](KindService, ServicePipeline).
		State(ServicePipeline, "Pipeline").
		State(ServiceDesign, "Design").
		State(ServiceTransition, "Transition").
		State(ServiceOperation, "Operation").
		Final(ServiceRetired, "Retired").
		Trigger(ServiceApprove, "Approve").
		Trigger(ServiceReject, "Reject").
		Trigger(ServiceBuild, "Build").
		Trigger(ServiceRework, "Rework").
		Trigger(ServiceRelease, "Release").
		Trigger(ServiceImprove, "Improve").
		Trigger(ServiceCancel, "Cancel").
		Trigger(ServiceRetire, "Retire").
		Permit(ServicePipeline, ServiceApprove, ServiceDesign).
		Permit(ServicePipeline, ServiceReject, ServiceRetired).
		Permit(ServiceDesign, ServiceBuild, ServiceTransition).
		Permit(ServiceDesign, ServiceCancel, ServiceRetired).
		Permit(ServiceTransition, ServiceRelease, ServiceOperation).
		Permit(ServiceTransition, ServiceRework, ServiceDesign).
		Permit(ServiceTransition, ServiceCancel, ServiceRetired).
		Permit(ServiceOperation, ServiceImprove, ServiceDesign).
		Permit(ServiceOperation, ServiceRetire, ServiceRetired).
		Build()
	if err != nil {
		panic(err) // a constant table: only an edit of this file can get here, and tests would fail
	}
	return d
})
