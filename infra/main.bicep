// YouthLeague on Azure: everything `azd up` provisions, in one resource group.
//   - Storage account (tables, the evidence container, the Flex Consumption deployment container);
//     shared-key access is off, so the app reaches it with its managed identity only.
//   - Log Analytics workspace + Application Insights (local auth off: Entra ID ingestion only).
//   - A user-assigned managed identity with the data-plane roles the app and Durable Functions need.
//   - A Flex Consumption plan (FC1, Linux) and the Function App (.NET 10 isolated worker).
// Nothing here reads or outputs an account key or any other secret.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used for the resource group name and for a short hash in every resource name.')
param environmentName string

@minLength(1)
@description('Primary location for all resources. It must offer Flex Consumption (see infra/README.md).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('DNS suffix of the storage endpoints: core.windows.net in Azure public cloud, core.chinacloudapi.cn in Azure China. The default follows the cloud you deploy to.')
param storageEndpointSuffix string = environment().suffixes.storage

@description('Optional overrides of the generated resource names; leave empty to generate them.')
param resourceGroupName string = ''
param functionAppName string = ''
param appServicePlanName string = ''
param storageAccountName string = ''
param identityName string = ''
param logAnalyticsName string = ''
param applicationInsightsName string = ''

@description('Upper bound of Flex Consumption instances: the cost ceiling under load.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each Flex Consumption instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Days Log Analytics keeps data (30 is included in the price).')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var apiName = !empty(functionAppName) ? functionAppName : '${abbrs.webSitesFunctions}api-${resourceToken}'
var deploymentContainerName = 'app-package-${take(apiName, 32)}-${take(toLower(uniqueString(apiName, resourceToken)), 7)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'core/identity/user-assigned-identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: !empty(identityName) ? identityName : '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage-account.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: !empty(storageAccountName) ? storageAccountName : '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    // The app's evidence files, and the package Flex Consumption runs from.
    containers: [
      'evidence'
      deploymentContainerName
    ]
    // The tables of YouthLeague.Storage.TableNames (and Accounts). Durable Functions creates its own task hub tables.
    tables: [
      'Checklists'
      'Directory'
      'Snapshots'
      'TownProgress'
      'Outbox'
      'Accounts'
      'Ledger'
      'Drafts'
      'Meetings'
      'Years'
      'Audit'
      'Announcements'
    ]
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: !empty(logAnalyticsName) ? logAnalyticsName : '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: !empty(applicationInsightsName) ? applicationInsightsName : '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    principalId: identity.outputs.principalId
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: apiName
    planName: !empty(appServicePlanName) ? appServicePlanName : '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    storageEndpointSuffix: storageEndpointSuffix
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // The host must not start before its identity may read and write storage.
  dependsOn: [
    rbac
  ]
}

// Read by azd (and handy in scripts); none of them is a secret.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = api.outputs.blobServiceUri
output AZURE_STORAGE_TABLE_ENDPOINT string = api.outputs.tableServiceUri
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
